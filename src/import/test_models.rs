//! ONNX models written in the test code (the importer's inputs): a tiny builder over the ONNX
//! message types, with weights from a seeded generator.

use crate::graph::rng::Rng;
pub(crate) use crate::model_file::onnx::{attr_int, attr_ints};
use onnx_ir::{
    AttributeProto, GraphProto, Message, ModelProto, NodeProto, TensorProto, TypeProto,
    ValueInfoProto,
};

pub struct Net {
    nodes: Vec<NodeProto>,
    inits: Vec<TensorProto>,
    input: Vec<i64>,
    rng: Rng,
    count: usize,
    /// Channels (or features) of the last value.
    pub width: usize,
    pub last: String,
    pub opset: i64,
    /// Mark the first initializer as stored in an external file.
    pub external: bool,
}

fn value_info(name: &str, shape: &[i64]) -> ValueInfoProto {
    let mut ty = TypeProto::new();
    let t = ty.mut_tensor_type();
    t.elem_type = 1;
    let s = t.shape.mut_or_insert_default();
    for (i, &d) in shape.iter().enumerate() {
        s.dim.push(Default::default());
        if i == 0 {
            s.dim[i].set_dim_param("N".into());
        } else {
            s.dim[i].set_dim_value(d);
        }
    }
    let mut v = ValueInfoProto::new();
    v.name = name.into();
    v.type_ = Some(ty).into();
    v
}

impl Net {
    /// A network whose input `x` has shape `[N, ..rest]`.
    pub fn new(rest: &[usize], seed: u64) -> Net {
        let mut input = vec![1];
        input.extend(rest.iter().map(|&d| d as i64));
        Net {
            nodes: Vec::new(),
            inits: Vec::new(),
            input,
            rng: Rng::new(seed),
            count: 0,
            width: rest[0],
            last: "x".into(),
            opset: 13,
            external: false,
        }
    }

    pub fn init(&mut self, shape: &[usize]) -> String {
        let name = format!("w{}", self.inits.len());
        let len: usize = shape.iter().product();
        let scale = 1.0 / (shape.iter().skip(1).product::<usize>().max(1) as f32).sqrt();
        let raw: Vec<u8> = (0..len)
            .flat_map(|_| {
                ((self.rng.next_u32() as f32 / u32::MAX as f32 * 2.0 - 1.0) * scale).to_le_bytes()
            })
            .collect();
        let mut t = TensorProto::new();
        t.name = name.clone();
        t.dims = shape.iter().map(|&d| d as i64).collect();
        t.data_type = 1;
        t.raw_data = raw.into();
        self.inits.push(t);
        name
    }

    pub fn ints(&mut self, v: &[i64]) -> String {
        let name = format!("c{}", self.inits.len());
        let mut t = TensorProto::new();
        t.name = name.clone();
        t.dims = vec![v.len() as i64];
        t.data_type = 7;
        t.raw_data = v
            .iter()
            .flat_map(|x| x.to_le_bytes())
            .collect::<Vec<u8>>()
            .into();
        self.inits.push(t);
        name
    }

    /// Adds node `op` over `inputs`, returns its output (now `last`).
    pub fn node(&mut self, op: &str, inputs: &[&str], attrs: Vec<AttributeProto>) -> String {
        self.count += 1;
        let out = format!("v{}", self.count);
        let mut n = NodeProto::new();
        n.op_type = op.into();
        n.name = format!("{op}_{}", self.count);
        n.input = inputs.iter().map(|s| s.to_string()).collect();
        n.output = vec![out.clone()];
        n.attribute = attrs;
        self.nodes.push(n);
        self.last = out.clone();
        out
    }

    pub fn conv(&mut self, from: &str, cin: usize, cout: usize, k: usize, stride: usize) -> String {
        let w = self.init(&[cout, cin, k, k]);
        let b = self.init(&[cout]);
        let p = (k / 2) as i64;
        self.width = cout;
        self.node(
            "Conv",
            &[from, &w, &b],
            vec![
                attr_ints("kernel_shape", &[k as i64, k as i64]),
                attr_ints("strides", &[stride as i64, stride as i64]),
                attr_ints("pads", &[p, p, p, p]),
            ],
        )
    }

    pub fn bn(&mut self, from: &str, c: usize) -> String {
        let (s, b, m) = (self.init(&[c]), self.init(&[c]), self.init(&[c]));
        let v = self.init(&[c]);
        // Variances must be positive.
        let t = self.inits.last_mut().unwrap();
        t.raw_data = (0..c)
            .flat_map(|i| (0.5 + i as f32 / c as f32).to_le_bytes())
            .collect::<Vec<u8>>()
            .into();
        self.node("BatchNormalization", &[from, &s, &b, &m, &v], vec![])
    }

    pub fn gemm(&mut self, from: &str, inp: usize, out: usize) -> String {
        let w = self.init(&[out, inp]);
        let b = self.init(&[out]);
        self.width = out;
        self.node("Gemm", &[from, &w, &b], vec![attr_int("transB", 1)])
    }

    pub fn matmul(&mut self, from: &str, inp: usize, out: usize) -> String {
        let w = self.init(&[inp, out]);
        self.width = out;
        self.node("MatMul", &[from, &w], vec![])
    }

    /// The model's bytes, output `y` = the last value.
    pub fn finish(mut self, out_shape: &[i64]) -> Vec<u8> {
        let last = self.nodes.last_mut().expect("a node");
        last.output[0] = "y".into();
        if self.external {
            let t = &mut self.inits[0];
            t.external_data.push(Default::default());
            t.external_data[0].key = "location".into();
            t.external_data[0].value = "weights.bin".into();
        }
        let mut g = GraphProto::new();
        g.name = "test".into();
        g.node = self.nodes;
        g.initializer = self.inits;
        g.input = vec![value_info("x", &self.input)];
        g.output = vec![value_info("y", out_shape)];
        let mut m = ModelProto::new();
        m.ir_version = 7;
        m.opset_import.push(Default::default());
        m.opset_import[0].version = self.opset;
        m.graph = Some(g).into();
        m.write_to_bytes().expect("encodes")
    }
}

/// An MLP 784-256-128-10 (Gemm, then MatMul by a constant, Relu).
pub fn mlp() -> Vec<u8> {
    let mut n = Net::new(&[784], 1);
    let h = n.gemm("x", 784, 256);
    let h = n.node("Relu", &[&h], vec![]);
    let h = n.matmul(&h, 256, 256);
    let h = n.gemm(&h, 256, 128);
    let h = n.node("Relu", &[&h], vec![]);
    n.gemm(&h, 128, 10);
    n.finish(&[1, 10])
}

/// A CNN on 3×32×32: Conv-BN-ReLU-MaxPool blocks (3→64→128→128), global average pooling, a Gemm head.
pub fn cnn() -> Vec<u8> {
    let mut n = Net::new(&[3, 32, 32], 2);
    let mut h = "x".to_string();
    for (cin, cout) in [(3, 64), (64, 128), (128, 128)] {
        h = n.conv(&h, cin, cout, 3, 1);
        h = n.bn(&h, cout);
        h = n.node("Relu", &[&h], vec![]);
        h = n.node(
            "MaxPool",
            &[&h],
            vec![
                attr_ints("kernel_shape", &[2, 2]),
                attr_ints("strides", &[2, 2]),
            ],
        );
    }
    h = n.node("GlobalAveragePool", &[&h], vec![]);
    h = n.node("Flatten", &[&h], vec![attr_int("axis", 1)]);
    n.gemm(&h, 128, 10);
    n.finish(&[1, 10])
}

/// A residual block (two 3×3 convs and an Add) and a Concat of two branches along channels.
pub fn residual_concat() -> Vec<u8> {
    let mut n = Net::new(&[16, 8, 8], 3);
    let stem = n.conv("x", 16, 64, 3, 1);
    let a = n.conv(&stem, 64, 64, 3, 1);
    let a = n.node("Relu", &[&a], vec![]);
    let b = n.conv(&a, 64, 64, 3, 1);
    let sum = n.node("Add", &[&stem, &b], vec![]);
    let left = n.conv(&sum, 64, 32, 1, 1);
    let right = n.conv(&sum, 64, 32, 3, 1);
    let cat = n.node("Concat", &[&left, &right], vec![attr_int("axis", 1)]);
    // Stride 2 after the Concat: its output size comes from our own shape pass.
    let down = n.conv(&cat, 64, 64, 3, 2);
    let g = n.node("GlobalAveragePool", &[&down], vec![]);
    let shape = n.ints(&[0, -1]);
    let f = n.node("Reshape", &[&g, &shape], vec![]);
    n.gemm(&f, 64, 10);
    n.finish(&[1, 10])
}
