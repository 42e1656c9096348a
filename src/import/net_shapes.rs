//! Each value's size through a network's steps, from the input's: a saved network states its
//! sizes, and a file can claim any, so they are recomputed by the import's own window rule and
//! must agree before anything is allocated for them.

use super::net::{Net, Op, Pads, Step, count, dims};
use super::shapes::window;
use crate::{Result, bail};
use onnx_ir::padding::AutoPad;

/// The most values one image's activation may hold; a larger one is refused, not allocated.
const MAX_VALUES: usize = 1 << 26;

/// A sliding window's output over `[C, H, W]`, with `c_out` channels.
fn windowed(
    s: &Step,
    x: &[usize],
    c_out: usize,
    (k, stride, d): ([usize; 2], [usize; 2], [usize; 2]),
    pads: &Pads,
    ceil: bool,
) -> Result<Vec<usize>> {
    let &[_, h, w] = x else {
        bail!(
            "step '{}' reads a value of size {}; it needs [C, H, W]",
            s.name,
            dims(x)
        );
    };
    if k.contains(&0) || stride.contains(&0) || d.contains(&0) {
        bail!(
            "step '{}' has a window with a zero size, stride or dilation",
            s.name
        );
    }
    let (ph, pw) = (
        pads[0].saturating_add(pads[2]),
        pads[1].saturating_add(pads[3]),
    );
    let auto = AutoPad::NotSet;
    Ok(vec![
        c_out,
        window(h, k[0], stride[0], d[0], ph, &auto, ceil),
        window(w, k[1], stride[1], d[1], pw, &auto, ceil),
    ])
}

/// The size of step `s`'s output from its inputs' sizes.
fn output(s: &Step, ins: &[&Vec<usize>]) -> Result<Vec<usize>> {
    let x = ins[0];
    Ok(match &s.op {
        Op::Conv {
            weight,
            stride,
            pads,
            dilation,
            ..
        } => match weight.shape[..] {
            [out, _, kh, kw] => windowed(s, x, out, ([kh, kw], *stride, *dilation), pads, false)?,
            _ => bail!("Conv '{}' has a weight of shape {:?}", s.name, weight.shape),
        },
        Op::Linear { weight, .. } => vec![weight.shape.first().copied().unwrap_or(0)],
        Op::MaxPool {
            kernel,
            stride,
            pads,
            dilation,
            ceil,
        } => windowed(s, x, x[0], (*kernel, *stride, *dilation), pads, *ceil)?,
        Op::AvgPool {
            kernel,
            stride,
            pads,
            ceil,
            ..
        } => windowed(s, x, x[0], (*kernel, *stride, [1, 1]), pads, *ceil)?,
        Op::GlobalAvgPool | Op::GlobalMaxPool => match x[..] {
            [c, _, _] => vec![c, 1, 1],
            _ => bail!("step '{}' pools a value of size {}", s.name, dims(x)),
        },
        Op::Add => {
            if ins.iter().any(|v| v != &x) {
                bail!("step '{}' adds values of different sizes", s.name);
            }
            x.clone()
        }
        Op::Concat => {
            let rest = |v: &Vec<usize>| v.get(1..).map(<[usize]>::to_vec);
            if x.is_empty() || ins.iter().any(|v| rest(v) != rest(x)) {
                bail!(
                    "step '{}' joins values whose sizes differ beyond the channels",
                    s.name
                );
            }
            let c = ins.iter().try_fold(0usize, |c, v| c.checked_add(v[0]));
            let mut out = x.clone();
            out[0] = c.unwrap_or(usize::MAX);
            out
        }
        Op::Flatten => vec![count(x).unwrap_or(usize::MAX)],
        Op::Reshape { to } => {
            if to.is_empty() || count(to).is_none() || count(to) != count(x) {
                bail!(
                    "step '{}' reshapes {} values into {}",
                    s.name,
                    dims(x),
                    dims(to)
                );
            }
            to.clone()
        }
        Op::BatchNorm { .. }
        | Op::Relu
        | Op::LeakyRelu { .. }
        | Op::Sigmoid
        | Op::Tanh
        | Op::Softmax => x.clone(),
    })
}

/// Every value's size as the steps compute it from `net.shapes[0]` (values no step writes keep
/// the size `net` states); refuses a step that reads an unwritten value, writes one twice or
/// makes one larger than [`MAX_VALUES`].
pub fn infer(net: &Net) -> Result<Vec<Vec<usize>>> {
    let Some(input) = net.shapes.first() else {
        bail!("the network has no input");
    };
    let fits = |v: &[usize]| {
        !v.is_empty() && v.len() <= 3 && count(v).is_some_and(|n| (1..=MAX_VALUES).contains(&n))
    };
    if !fits(input) {
        bail!(
            "the network's input {} is not a size it can read",
            dims(input)
        );
    }
    let mut known: Vec<Option<Vec<usize>>> = vec![None; net.shapes.len()];
    known[0] = Some(input.clone());
    for s in &net.steps {
        let ins: Option<Vec<&Vec<usize>>> = s
            .inputs
            .iter()
            .map(|&v| known.get(v).and_then(Option::as_ref))
            .collect();
        let Some(ins) = ins.filter(|i| !i.is_empty()) else {
            bail!("step '{}' reads a value no earlier step writes", s.name);
        };
        let out = output(s, &ins)?;
        if !fits(&out) {
            bail!(
                "step '{}' makes a value of size {}, which is not usable",
                s.name,
                dims(&out)
            );
        }
        match known.get_mut(s.output) {
            Some(slot @ None) if s.output != 0 => *slot = Some(out),
            _ => bail!(
                "step '{}' writes a value that is already written or unknown",
                s.name
            ),
        }
    }
    Ok(known
        .into_iter()
        .zip(&net.shapes)
        .map(|(k, stated)| k.unwrap_or_else(|| stated.clone()))
        .collect())
}
