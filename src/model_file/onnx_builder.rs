//! The ONNX graph under construction (nodes, initializers, fresh names) and attribute helpers,
//! shared by the model files' export and the imported networks' writer.

use super::Dtype;
use onnx_ir::{AttributeProto, AttributeType, NodeProto, TensorProto};

/// ONNX's `TensorProto.DataType` codes (the parser keeps its enum private).
#[derive(Clone, Copy)]
pub(crate) enum DataType {
    Float = 1,
    Int64 = 7,
    Float16 = 10,
}

/// Graph under construction: nodes in order, initializers, fresh value names.
pub(crate) struct Builder {
    pub(crate) nodes: Vec<NodeProto>,
    pub(crate) inits: Vec<TensorProto>,
    dtype: Dtype,
    count: usize,
}

pub(crate) fn attr_int(name: &str, v: i64) -> AttributeProto {
    let mut a = AttributeProto::new();
    a.name = name.into();
    a.type_ = AttributeType::INT.into();
    a.i = v;
    a
}

pub(crate) fn attr_ints(name: &str, v: &[i64]) -> AttributeProto {
    let mut a = AttributeProto::new();
    a.name = name.into();
    a.type_ = AttributeType::INTS.into();
    a.ints = v.to_vec();
    a
}

pub(crate) fn attr_float(name: &str, v: f32) -> AttributeProto {
    let mut a = AttributeProto::new();
    a.name = name.into();
    a.type_ = AttributeType::FLOAT.into();
    a.f = v;
    a
}

fn dims(shape: &[usize]) -> Vec<i64> {
    shape.iter().map(|&d| d as i64).collect()
}

impl Builder {
    pub(crate) fn new(dtype: Dtype) -> Builder {
        Builder {
            nodes: Vec::new(),
            inits: Vec::new(),
            dtype,
            count: 0,
        }
    }

    fn tensor(&mut self, name: &str, shape: &[usize], dt: DataType, raw: Vec<u8>) {
        let mut t = TensorProto::new();
        t.name = name.into();
        t.dims = dims(shape);
        t.data_type = dt as i32;
        t.raw_data = raw.into();
        self.inits.push(t);
    }

    /// A float initializer named `name`; in half precision it is stored as FLOAT16 and cast
    /// back (ONNX Runtime folds the cast when it loads the model).
    pub(crate) fn floats(&mut self, name: &str, shape: &[usize], v: &[f32]) -> String {
        match self.dtype {
            Dtype::F32 => {
                let raw = v.iter().flat_map(|x| x.to_le_bytes()).collect();
                self.tensor(name, shape, DataType::Float, raw);
            }
            Dtype::F16 => {
                let stored = format!("{name}.f16");
                let raw = v
                    .iter()
                    .flat_map(|&x| half::f16::from_f32(x).to_le_bytes())
                    .collect();
                self.tensor(&stored, shape, DataType::Float16, raw);
                self.node_named(
                    "Cast",
                    &[&stored],
                    vec![attr_int("to", DataType::Float as i64)],
                    name,
                );
            }
        }
        name.into()
    }

    pub(crate) fn ints(&mut self, name: &str, shape: &[usize], v: &[i64]) -> String {
        let raw = v.iter().flat_map(|x| x.to_le_bytes()).collect();
        self.tensor(name, shape, DataType::Int64, raw);
        name.into()
    }

    pub(crate) fn node_named(
        &mut self,
        op: &str,
        inputs: &[&str],
        attrs: Vec<AttributeProto>,
        out: &str,
    ) {
        let mut n = NodeProto::new();
        n.op_type = op.into();
        n.name = format!("{op}_{}", self.nodes.len());
        n.input = inputs.iter().map(|s| s.to_string()).collect();
        n.output = vec![out.into()];
        n.attribute = attrs;
        self.nodes.push(n);
    }

    /// Appends a node and returns the name of its (single) output.
    pub(crate) fn node(&mut self, op: &str, inputs: &[&str], attrs: Vec<AttributeProto>) -> String {
        self.count += 1;
        let out = format!("t{}_{}", self.count, op.to_lowercase());
        self.node_named(op, inputs, attrs, &out);
        out
    }

    pub(crate) fn transpose(&mut self, h: &str) -> String {
        self.node("Transpose", &[h], vec![attr_ints("perm", &[1, 0])])
    }
}
