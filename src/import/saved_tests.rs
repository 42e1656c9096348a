use super::{SavedNet, decode, encode, is_saved_net};
use crate::import::lower::lower;
use crate::import::net::{Net, Op};
use crate::import::net_shapes::infer;
use crate::import::onnx::read;
use crate::import::test_models;
use crate::import::write::to_onnx;
use crate::mapping::{Connectivity, mask_matrix};
use crate::model_file::Layout;

fn conn(n: u32, k: u32) -> Connectivity {
    Connectivity::from_graph(&crate::graph::generate::ring(n, k).unwrap(), false)
}

/// `bytes` lowered, its inner weight layers masked (first and last left dense, as the table does).
fn saved(bytes: &[u8]) -> SavedNet {
    let net = lower(&read(bytes).unwrap()).unwrap();
    let layers = net.weight_steps().count();
    SavedNet {
        net,
        masked: (0..layers).map(|i| i > 0 && i + 1 < layers).collect(),
        conn: Some(conn(16, 4)),
        meta: vec![
            ("dataset".into(), "digits".into()),
            ("nodes".into(), "16".into()),
        ],
    }
}

#[test]
fn a_saved_network_reads_back_with_its_pruned_weights_zero() {
    for bytes in [
        test_models::mlp(),
        test_models::cnn(),
        test_models::residual_concat(),
    ] {
        let s = saved(&bytes);
        let file = encode(&s).unwrap();
        assert!(is_saved_net(&file));
        let back = decode(&file).unwrap();
        assert_eq!(
            (back.masked.clone(), back.conn.clone(), back.meta.clone()),
            (s.masked.clone(), s.conn.clone(), s.meta.clone())
        );
        assert_eq!(back.net.shapes, s.net.shapes);
        // Every kept weight as trained, every pruned one zero, unmasked layers untouched.
        let c = s.conn.as_ref().unwrap();
        let pairs = s
            .net
            .weight_steps()
            .zip(back.net.weight_steps())
            .zip(&s.masked);
        let mut zeroed = 0;
        for (((_, a), (_, b)), &masked) in pairs {
            let (Op::Conv { weight: wa, .. } | Op::Linear { weight: wa, .. }) = &a.op else {
                unreachable!()
            };
            let (Op::Conv { weight: wb, .. } | Op::Linear { weight: wb, .. }) = &b.op else {
                unreachable!()
            };
            assert_eq!(wa.shape, wb.shape);
            let mask = match masked {
                true => mask_matrix(c, wa.shape[0] as u32, wa.shape[1] as u32).unwrap(),
                false => vec![1.0; wa.shape[0] * wa.shape[1]],
            };
            let kk = wa.len() / mask.len();
            for (i, (x, y)) in wa.data.iter().zip(&wb.data).enumerate() {
                assert_eq!(*y, x * mask[i / kk], "{} weight {i}", a.name);
                zeroed += usize::from(mask[i / kk] == 0.0);
            }
        }
        assert!(zeroed > 0, "the masks pruned nothing");
        // The same ONNX file as the network before saving gives, dense and packed.
        for layout in [Layout::Dense, Layout::Packed] {
            let before = to_onnx(&s.net, &s.masks(), layout, &s.meta_pairs()).unwrap();
            let after = to_onnx(&back.net, &back.masks(), layout, &back.meta_pairs()).unwrap();
            same_onnx(&before.bytes, &after.bytes);
        }
    }
}

/// Two ONNX files with the same nodes and initializers (values compared as numbers: a pruned
/// weight may be written as 0 or -0).
fn same_onnx(a: &[u8], b: &[u8]) {
    use onnx_ir::{Message, ModelProto};
    let graph = |bytes: &[u8]| ModelProto::parse_from_bytes(bytes).unwrap().graph.unwrap();
    let (a, b) = (graph(a), graph(b));
    assert_eq!(a.node, b.node);
    assert_eq!(a.initializer.len(), b.initializer.len());
    for (x, y) in a.initializer.iter().zip(&b.initializer) {
        assert_eq!(
            (&x.name, &x.dims, x.data_type),
            (&y.name, &y.dims, y.data_type)
        );
        let f = |t: &onnx_ir::TensorProto| -> Vec<f32> {
            t.raw_data
                .chunks(4)
                .map(|c| f32::from_le_bytes(c.try_into().unwrap()))
                .collect()
        };
        match x.data_type {
            1 => assert_eq!(f(x), f(y), "{}", x.name),
            _ => assert_eq!(x.raw_data, y.raw_data, "{}", x.name),
        }
    }
}

/// The file `s` with its `steps` metadata edited by `edit`.
fn with_steps(s: &SavedNet, edit: impl Fn(&mut Net)) -> Vec<u8> {
    let file = encode(s).unwrap();
    let (_, m) = safetensors::SafeTensors::read_metadata(&file).unwrap();
    let mut meta: std::collections::HashMap<String, String> =
        m.metadata().clone().unwrap().into_iter().collect();
    let mut net: Net = serde_json::from_str(&meta["steps"]).unwrap();
    edit(&mut net);
    meta.insert("steps".into(), serde_json::to_string(&net).unwrap());
    let st = safetensors::SafeTensors::deserialize(&file).unwrap();
    let views: Vec<_> = st.tensors();
    safetensors::serialize(views, Some(meta.into_iter().collect())).unwrap()
}

#[test]
fn files_that_do_not_fit_their_network_are_refused_in_one_line() {
    let s = saved(&test_models::cnn());
    let file = encode(&s).unwrap();
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (file[..file.len() / 2].to_vec(), "not a safetensors file"),
        // A size the steps do not make: a file claiming a larger activation than it computes.
        (with_steps(&s, |n| n.shapes[1][1] = 4096), "its steps make"),
        // A weight the tensor does not have.
        (
            with_steps(&s, |n| {
                if let Op::Conv { weight, .. } = &mut n.steps[0].op {
                    weight.shape[0] = 32
                }
            }),
            "tensor steps.0.weight",
        ),
        // A zero-sized window, which would divide by zero.
        (
            with_steps(&s, |n| {
                if let Some(Op::MaxPool { stride, .. }) = n
                    .steps
                    .iter_mut()
                    .map(|s| &mut s.op)
                    .find(|o| matches!(o, Op::MaxPool { .. }))
                {
                    *stride = [0, 0]
                }
            }),
            "zero size, stride or dilation",
        ),
        // A step that reads a value nothing writes.
        (
            with_steps(&s, |n| n.steps[1].inputs = vec![99]),
            "reads a value no earlier step writes",
        ),
    ];
    for (bytes, want) in cases {
        let e = decode(&bytes).unwrap_err().to_string();
        assert!(e.contains(want) && !e.contains('\n'), "{want}: {e}");
    }
    // A model file of the built-in networks is not a saved imported network, and the reverse.
    let e = crate::model_file::decode(&file, None)
        .unwrap_err()
        .to_string();
    assert!(e.contains("imported from ONNX"), "{e}");
}

#[test]
fn sizes_follow_from_the_steps() {
    for bytes in [
        test_models::mlp(),
        test_models::cnn(),
        test_models::residual_concat(),
    ] {
        let net = lower(&read(&bytes).unwrap()).unwrap();
        assert_eq!(infer(&net).unwrap(), net.shapes);
    }
}
