//! Model files without Burn: both layouts round-trip exactly, f16 rounds as documented, and
//! every kind of bad file is refused with one line naming the problem.

use rgp::graph::generate::ring;
use rgp::mapping::{Connectivity, ModelKind, mask_matrix};
use rgp::model_file::{ArchSpec, Dtype, Layer, Layout, Meta, ModelFile, Norm, decode, encode};

/// An MLP 16 → 16 → 16 → 3 whose middle layer carries the mask of the (8, 2) ring.
fn mlp_file() -> ModelFile {
    let g = ring(8, 2).unwrap();
    let conn = Connectivity::from_graph(&g, false);
    let arch = ArchSpec {
        model: ModelKind::Mlp,
        inputs: 16,
        input_hw: 4,
        classes: 3,
        widths: vec![16, 16],
    };
    let w = |n: usize, salt: f32| {
        (0..n)
            .map(|i| (i as f32 * 0.37 + salt).sin())
            .collect::<Vec<_>>()
    };
    let mask: Vec<u8> = mask_matrix(&conn, 16, 16)
        .unwrap()
        .iter()
        .map(|&v| v as u8)
        .collect();
    let mut mid = w(256, 1.0);
    for (x, &m) in mid.iter_mut().zip(&mask) {
        if m == 0 {
            *x = 0.0;
        }
    }
    ModelFile {
        meta: Meta {
            arch,
            nodes: Some(8),
            degree: Some(2),
            fingerprint: Some(g.fingerprint()),
            link: Some("#v=1&nodes=8&degree=2".into()),
            dataset: "test".into(),
            input_max: 255.0,
            input_mean: 0.13,
            input_std: 0.31,
            columns: None,
            test_accuracy: Some(0.5),
        },
        layers: vec![
            Layer {
                name: "layers.0".into(),
                weight: w(256, 0.0),
                bias: Some(w(16, 2.0)),
                mask: None,
            },
            Layer {
                name: "layers.1".into(),
                weight: mid,
                bias: Some(w(16, 3.0)),
                mask: Some(mask),
            },
            Layer {
                name: "layers.2".into(),
                weight: w(48, 4.0),
                bias: Some(w(3, 5.0)),
                mask: None,
            },
        ],
        norms: vec![],
        neighbors: Some((0..8).map(|i| conn.row(i).to_vec()).collect()),
    }
}

/// A CNN on 4×4 images with two 8-channel convs, the second masked by the (8, 2) ring.
fn cnn_file() -> ModelFile {
    let g = ring(8, 2).unwrap();
    let conn = Connectivity::from_graph(&g, false);
    let m = mask_matrix(&conn, 8, 8).unwrap();
    let mask: Vec<u8> = m
        .iter()
        .flat_map(|&v| std::iter::repeat_n(v as u8, 9))
        .collect();
    let w = |n: usize, salt: f32| {
        (0..n)
            .map(|i| (i as f32 * 0.11 + salt).cos())
            .collect::<Vec<_>>()
    };
    let mut c1 = w(8 * 8 * 9, 1.0);
    c1.iter_mut().zip(&mask).for_each(|(x, &m)| *x *= m as f32);
    let norm = |s: f32| Norm {
        weight: w(8, s),
        bias: w(8, s + 1.0),
        running_mean: w(8, s + 2.0),
        running_var: w(8, s + 3.0).iter().map(|v| v.abs() + 0.1).collect(),
    };
    let mut f = mlp_file();
    f.meta.arch = ArchSpec {
        model: ModelKind::Cnn,
        inputs: 16,
        input_hw: 4,
        classes: 3,
        widths: vec![8, 8],
    };
    f.layers = vec![
        Layer {
            name: "convs.0".into(),
            weight: w(8 * 9, 0.0),
            bias: None,
            mask: None,
        },
        Layer {
            name: "convs.1".into(),
            weight: c1,
            bias: None,
            mask: Some(mask),
        },
        Layer {
            name: "head".into(),
            weight: w(24, 2.0),
            bias: Some(w(3, 3.0)),
            mask: None,
        },
    ];
    f.norms = vec![norm(0.5), norm(1.5)];
    f
}

#[test]
fn both_layouts_round_trip_exactly() {
    for f in [mlp_file(), cnn_file()] {
        let dense = encode(&f, Layout::Dense, Dtype::F32).unwrap();
        let packed = encode(&f, Layout::Packed, Dtype::F32).unwrap();
        assert_eq!(decode(&dense, None).unwrap(), f);
        assert_eq!(decode(&packed, None).unwrap(), f);
        assert!(
            packed.len() < dense.len(),
            "{} vs {}",
            packed.len(),
            dense.len()
        );
        // A file of our own also loads against the architecture it was made for.
        assert_eq!(decode(&packed, Some(&f.meta)).unwrap(), f);
    }
}

#[test]
fn packed_file_holds_blocks_and_the_neighbour_table() {
    let f = mlp_file();
    let bytes = encode(&f, Layout::Packed, Dtype::F32).unwrap();
    let st = safetensors::SafeTensors::deserialize(&bytes).unwrap();
    let mut names: Vec<&str> = st.names().into_iter().collect();
    names.sort();
    assert!(names.contains(&"layers.1.blocks"));
    assert!(!names.contains(&"layers.1.weight"));
    assert_eq!(st.tensor("layers.1.blocks").unwrap().shape(), &[8, 2, 4]);
    assert_eq!(st.tensor("graph.neighbors").unwrap().shape(), &[8, 2]);
}

#[test]
fn half_precision_loads_as_the_rounded_network() {
    let f = mlp_file();
    let mut rounded = f.clone();
    rounded.round_to_f16();
    assert_ne!(rounded, f);
    let bytes = encode(&f, Layout::Dense, Dtype::F16).unwrap();
    assert_eq!(decode(&bytes, None).unwrap(), rounded);
    assert!(bytes.len() < encode(&f, Layout::Dense, Dtype::F32).unwrap().len());
}

#[test]
fn a_mask_zeroes_the_weights_under_it() {
    let mut f = mlp_file();
    let m = f.layers[1].mask.clone().unwrap();
    let at = m.iter().position(|&v| v == 0).unwrap();
    f.layers[1].weight[at] = 7.0;
    let back = decode(&encode(&f, Layout::Dense, Dtype::F32).unwrap(), None).unwrap();
    assert_eq!(back.layers[1].weight[at], 0.0);
}

/// Rewrites one tensor of a dense file through `edit(name, dtype, shape, bytes)`.
fn rewrite(
    f: &ModelFile,
    edit: impl Fn(&str, &mut safetensors::Dtype, &mut Vec<usize>, &mut Vec<u8>) -> bool,
) -> Vec<u8> {
    let bytes = encode(f, Layout::Dense, Dtype::F32).unwrap();
    let (_, meta) = safetensors::SafeTensors::read_metadata(&bytes).unwrap();
    let st = safetensors::SafeTensors::deserialize(&bytes).unwrap();
    let mut owned = Vec::new();
    for (name, t) in st.tensors() {
        let (mut d, mut s, mut b) = (t.dtype(), t.shape().to_vec(), t.data().to_vec());
        if edit(&name, &mut d, &mut s, &mut b) {
            owned.push((name, d, s, b));
        }
    }
    write(&owned, meta.metadata().clone())
}

type Owned = Vec<(String, safetensors::Dtype, Vec<usize>, Vec<u8>)>;

/// A safetensors file of these tensors and metadata.
fn write<I: IntoIterator<Item = (String, String)>>(owned: &Owned, info: Option<I>) -> Vec<u8> {
    // The map type follows the crate's std/no_std build, hence the collect.
    safetensors::serialize(views(owned), info.map(|i| i.into_iter().collect())).unwrap()
}

fn views(owned: &Owned) -> Vec<(String, safetensors::tensor::TensorView<'_>)> {
    owned
        .iter()
        .map(|(n, d, s, b)| {
            (
                n.clone(),
                safetensors::tensor::TensorView::new(*d, s.clone(), b).unwrap(),
            )
        })
        .collect()
}

fn err(bytes: &[u8], expected: Option<&Meta>) -> String {
    let e = decode(bytes, expected).unwrap_err().to_string();
    assert!(!e.contains('\n'), "one line: {e}");
    e
}

#[test]
fn another_architecture_names_the_first_tensor_that_does_not_fit() {
    let f = mlp_file();
    let mut other = f.meta.clone();
    other.arch.widths = vec![32, 16];
    let e = err(
        &encode(&f, Layout::Dense, Dtype::F32).unwrap(),
        Some(&other),
    );
    assert!(
        e.contains("layers.0.weight") && e.contains("[16, 16]") && e.contains("[32, 16]"),
        "{e}"
    );
    let mut classes = f.meta.clone();
    classes.arch.classes = 10;
    let e = err(
        &encode(&f, Layout::Dense, Dtype::F32).unwrap(),
        Some(&classes),
    );
    assert!(
        e.contains("layers.2.weight") && e.contains("[10, 16]"),
        "{e}"
    );
}

#[test]
fn bad_files_are_refused_with_one_line() {
    let f = mlp_file();
    let good = encode(&f, Layout::Dense, Dtype::F32).unwrap();
    // Truncated data, and a header that claims gigabytes.
    assert!(err(&good[..good.len() - 3], None).contains("safetensors"));
    let mut huge = good.clone();
    huge[..8].copy_from_slice(&(5u64 << 30).to_le_bytes());
    assert!(err(&huge, None).contains("safetensors"));
    assert!(err(b"nope", None).contains("safetensors"));
    // Missing, extra, wrongly typed and non-finite tensors.
    let missing = rewrite(&f, |n, _, _, _| n != "layers.1.bias");
    assert!(err(&missing, None).contains("layers.1.bias is missing"));
    let renamed = rewrite(&f, |n, _, _, _| n != "graph.adjacency");
    assert!(decode(&renamed, None).is_ok(), "the adjacency is optional");
    let typed = rewrite(&f, |n, d, _, _| {
        if n == "layers.2.bias" {
            *d = safetensors::Dtype::I32;
        }
        true
    });
    assert!(err(&typed, None).contains("layers.2.bias is I32"));
    let nan = rewrite(&f, |n, _, _, b| {
        if n == "layers.0.weight" {
            b[8..12].copy_from_slice(&f32::NAN.to_le_bytes());
        }
        true
    });
    assert!(err(&nan, None).contains("layers.0.weight holds a non-finite value"));
    let inf = rewrite(&f, |n, _, _, b| {
        if n == "layers.2.bias" {
            b[..4].copy_from_slice(&f32::INFINITY.to_le_bytes());
        }
        true
    });
    assert!(err(&inf, None).contains("non-finite"));
    let bad_mask = rewrite(&f, |n, _, _, b| {
        if n == "layers.1.mask" {
            b[0] = 3;
        }
        true
    });
    assert!(err(&bad_mask, None).contains("only 0 and 1"));
}

/// The packed file of `f` with its neighbour table (dtype, shape, bytes) rewritten by `edit`.
fn packed_with_neighbors(f: &ModelFile, edit: impl Fn(&mut Vec<usize>, &mut Vec<u8>)) -> Vec<u8> {
    let packed = encode(f, Layout::Packed, Dtype::F32).unwrap();
    let st = safetensors::SafeTensors::deserialize(&packed).unwrap();
    let (_, meta) = safetensors::SafeTensors::read_metadata(&packed).unwrap();
    let mut owned: Owned = st
        .tensors()
        .into_iter()
        .map(|(n, t)| (n, t.dtype(), t.shape().to_vec(), t.data().to_vec()))
        .collect();
    let nb = owned.iter_mut().find(|t| t.0 == "graph.neighbors").unwrap();
    edit(&mut nb.2, &mut nb.3);
    write(&owned, meta.metadata().clone())
}

#[test]
fn a_packed_file_needs_a_regular_neighbour_table() {
    // Node 0 lists 2 twice as many times as it should: row 0 = [2, 7] instead of [1, 7].
    let bad = packed_with_neighbors(&mlp_file(), |_, b| {
        b[..4].copy_from_slice(&2i32.to_le_bytes())
    });
    let e = err(&bad, None);
    assert!(e.contains("graph.neighbors"), "{e}");
}

#[test]
fn a_neighbour_table_of_no_columns_is_refused_with_or_without_an_expected_network() {
    let f = mlp_file();
    // A zero-size tensor is valid safetensors: shape [8, 0], no data.
    let bad = packed_with_neighbors(&f, |shape, b| {
        *shape = vec![8, 0];
        b.clear();
    });
    for expected in [None, Some(&f.meta)] {
        let e = err(&bad, expected);
        assert!(
            e.contains("graph.neighbors must be n x k with n, k ≥ 1"),
            "{e}"
        );
    }
}

#[test]
fn a_file_without_our_metadata_loads_against_the_current_network() {
    let f = mlp_file();
    let bytes = encode(&f, Layout::Dense, Dtype::F32).unwrap();
    let st = safetensors::SafeTensors::deserialize(&bytes).unwrap();
    // What PyTorch's save_file writes: tensors only (no masks, no graph), no metadata.
    let owned: Vec<_> = st
        .tensors()
        .into_iter()
        .filter(|(n, _)| !n.ends_with(".mask") && !n.starts_with("graph."))
        .map(|(n, t)| (n, t.dtype(), t.shape().to_vec(), t.data().to_vec()))
        .collect();
    let plain = write(&owned, None::<Vec<(String, String)>>);
    let mut more = views(&owned);
    let stray = [0u8; 4];
    more.push((
        "fc9.weight".to_string(),
        safetensors::tensor::TensorView::new(safetensors::Dtype::F32, vec![1], &stray).unwrap(),
    ));
    let e = err(&safetensors::serialize(more, None).unwrap(), Some(&f.meta));
    assert!(e.contains("unexpected tensor fc9.weight"), "{e}");
    assert!(err(&plain, None).contains("no RGP Studio metadata"));
    let back = decode(&plain, Some(&f.meta)).unwrap();
    assert_eq!(back.layers[1].weight, f.layers[1].weight);
    assert_eq!(back.layers[1].mask, None);
}

#[test]
fn an_architecture_too_large_to_unpack_is_refused_before_any_allocation() {
    let f = mlp_file();
    let bytes = encode(&f, Layout::Packed, Dtype::F32).unwrap();
    // 2^20 x 2^20 weights (4 TB of f32) asked of a file of a few kilobytes.
    let mut huge = f.meta.clone();
    huge.arch.widths = vec![1 << 20, 1 << 20];
    let e = err(&bytes, Some(&huge));
    assert!(e.contains("weights a layer may have"), "{e}");
}
