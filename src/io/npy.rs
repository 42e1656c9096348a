//! numpy `.npy` files. Written as format 1.0, `<f8`, C order, n × n (what `np.save` writes for
//! the reference code's float matrices). Read: format 1.0–3.0, C or Fortran order, bool,
//! (u)int8–64 and float32/64 in either byte order.

use crate::graph::Graph;
use crate::{Result, bail};

pub const MAGIC: &[u8] = b"\x93NUMPY";

pub fn write(g: &Graph) -> Vec<u8> {
    let n = g.n() as usize;
    let mut out = header(&format!(
        "{{'descr': '<f8', 'fortran_order': False, 'shape': ({n}, {n}), }}"
    ));
    for u in 0..g.n() {
        for v in 0..g.n() {
            let x: f64 = if g.has_edge(u, v) { 1.0 } else { 0.0 };
            out.extend_from_slice(&x.to_le_bytes());
        }
    }
    out
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Bool,
    Int,
    Uint,
    Float,
}

/// A parsed `.npy` array: its header facts and its data bytes.
struct Array<'a> {
    descr: String,
    fortran: bool,
    shape: Vec<usize>,
    little: bool,
    kind: Kind,
    size: usize,
    data: &'a [u8],
}

impl Array<'_> {
    /// Value at row-major position (`i`, `j`) of a 2-D array.
    fn at(&self, i: usize, j: usize) -> f64 {
        let (rows, cols) = (self.shape[0], self.shape[1]);
        let idx = if self.fortran {
            j * rows + i
        } else {
            i * cols + j
        };
        decode(
            &self.data[idx * self.size..][..self.size],
            self.little,
            self.kind,
        )
    }

    /// Checks that the data holds exactly `rows × cols` items.
    fn check_len(&self, rows: usize, cols: usize) -> Result<()> {
        let descr = &self.descr;
        let Some(need) = rows
            .checked_mul(cols)
            .and_then(|v| v.checked_mul(self.size))
        else {
            bail!("the .npy shape ({rows}, {cols}) is too large");
        };
        if self.data.len() < need {
            bail!(
                "truncated .npy file: {rows} x {cols} {descr} needs {need} bytes of data, found {}",
                self.data.len()
            );
        }
        if self.data.len() > need {
            bail!(
                "the .npy file has {} bytes after the {rows} x {cols} matrix",
                self.data.len() - need
            );
        }
        Ok(())
    }
}

fn parse(bytes: &[u8]) -> Result<Array<'_>> {
    if !bytes.starts_with(MAGIC) {
        bail!("not a .npy file (it does not start with the numpy magic string)");
    }
    let Some(&[major, _minor]) = bytes.get(6..8) else {
        bail!("truncated .npy file: the header is incomplete");
    };
    let (len_bytes, start) = match major {
        1 => (2usize, 10usize),
        2 | 3 => (4, 12),
        v => bail!(".npy format version {v} is not supported (1, 2 or 3)"),
    };
    let Some(raw_len) = bytes.get(8..8 + len_bytes) else {
        bail!("truncated .npy file: the header is incomplete");
    };
    let header_len = raw_len
        .iter()
        .rev()
        .fold(0usize, |acc, &b| acc << 8 | b as usize);
    let Some(header) = bytes.get(start..start.saturating_add(header_len)) else {
        bail!("truncated .npy file: the header is incomplete");
    };
    let Ok(header) = std::str::from_utf8(header) else {
        bail!("the .npy header is not text");
    };
    let descr = quoted_value(header, "descr")?;
    let fortran = match raw_value(header, "fortran_order")? {
        v if v.starts_with("True") => true,
        v if v.starts_with("False") => false,
        _ => bail!("the .npy header has an unreadable 'fortran_order'"),
    };
    let shape = shape(header)?;
    let (little, kind, size) = dtype(&descr)?;
    Ok(Array {
        descr,
        fortran,
        shape,
        little,
        kind,
        size,
        data: &bytes[start + header_len..],
    })
}

pub fn read(bytes: &[u8]) -> Result<Graph> {
    let a = parse(bytes)?;
    let [rows, cols] = a.shape[..] else {
        bail!(
            "the .npy array must be a 2-D matrix, its shape is {:?}",
            a.shape
        );
    };
    if rows != cols {
        bail!("the matrix is not square: its shape is ({rows}, {cols})");
    }
    let n = rows;
    if n < crate::graph::MIN_NODES as usize || n > crate::graph::MAX_NODES as usize {
        bail!(
            "the matrix is {n} x {n}; graphs need between {} and {} nodes",
            crate::graph::MIN_NODES,
            crate::graph::MAX_NODES
        );
    }
    a.check_len(n, n)?;
    super::graph_from_matrix(n, |i, j| a.at(i, j))
}

/// Reads a 2-D numeric array as row-major f32 `(rows, cols, values)` (model inputs for
/// `rgp predict`). Non-finite values are refused.
pub fn read_f32_matrix(bytes: &[u8]) -> Result<(usize, usize, Vec<f32>)> {
    let a = parse(bytes)?;
    let [rows, cols] = a.shape[..] else {
        bail!(
            "the .npy array must be 2-D (N x features), its shape is {:?}",
            a.shape
        );
    };
    matrix_values(&a, rows, cols).map(|v| (rows, cols, v))
}

/// Reads a numeric array of 2 or more dimensions, `[N, ...]` (inputs of an imported network for
/// `rgp predict`), as its shape and row-major f32 values. Non-finite values are refused.
pub fn read_f32_batch(bytes: &[u8]) -> Result<(Vec<usize>, Vec<f32>)> {
    let mut a = parse(bytes)?;
    let shape = a.shape.clone();
    if shape.len() < 2 {
        bail!(
            "the .npy array must have a batch axis and at least one more (N x ...), its shape is {shape:?}"
        );
    }
    if a.fortran && shape.len() > 2 {
        bail!("the .npy array is stored in Fortran order; save it in C order (numpy's default)");
    }
    let Some(cols) = shape[1..].iter().try_fold(1usize, |p, &d| p.checked_mul(d)) else {
        bail!("the .npy shape {shape:?} is too large");
    };
    a.shape = vec![shape[0], cols];
    let values = matrix_values(&a, shape[0], cols)?;
    Ok((shape, values))
}

/// The values of a 2-D `rows × cols` array, row-major.
fn matrix_values(a: &Array, rows: usize, cols: usize) -> Result<Vec<f32>> {
    a.check_len(rows, cols)?;
    let mut out = Vec::with_capacity(rows * cols);
    for i in 0..rows {
        for j in 0..cols {
            let v = a.at(i, j) as f32;
            if !v.is_finite() {
                bail!("the .npy array holds a non-finite value at ({i}, {j})");
            }
            out.push(v);
        }
    }
    Ok(out)
}

/// Writes row-major f32 values as a `rows × cols` `<f4` array.
pub fn write_f32_matrix(rows: usize, cols: usize, values: &[f32]) -> Vec<u8> {
    let mut out = header(&format!(
        "{{'descr': '<f4', 'fortran_order': False, 'shape': ({rows}, {cols}), }}"
    ));
    for v in values {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out
}

/// Magic, version 1.0 and the header dictionary padded so the data starts on a 64-byte boundary.
fn header(dict: &str) -> Vec<u8> {
    let mut header = dict.to_string();
    let unpadded = MAGIC.len() + 2 + 2 + header.len() + 1;
    header.push_str(&" ".repeat(unpadded.next_multiple_of(64) - unpadded));
    header.push('\n');
    let mut out = Vec::with_capacity(MAGIC.len() + 4 + header.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&[1, 0]);
    out.extend_from_slice(&(header.len() as u16).to_le_bytes());
    out.extend_from_slice(header.as_bytes());
    out
}

/// Byte order (`true` = little endian), kind, item size.
fn dtype(descr: &str) -> Result<(bool, Kind, usize)> {
    let mut chars = descr.chars();
    let order = match chars.next() {
        Some('<') | Some('|') | Some('=') => true,
        Some('>') => false,
        _ => bail!("unsupported .npy dtype {descr:?}"),
    };
    let rest = chars.as_str();
    let (kind, size) = match rest {
        "b1" => (Kind::Bool, 1),
        "i1" | "i2" | "i4" | "i8" => (Kind::Int, rest[1..].parse().unwrap_or(0)),
        "u1" | "u2" | "u4" | "u8" => (Kind::Uint, rest[1..].parse().unwrap_or(0)),
        "f4" | "f8" => (Kind::Float, rest[1..].parse().unwrap_or(0)),
        _ => bail!("unsupported .npy dtype {descr:?}: use bool, integers or floats"),
    };
    Ok((order, kind, size))
}

fn decode(b: &[u8], little: bool, kind: Kind) -> f64 {
    let mut buf = [0u8; 8];
    buf[..b.len()].copy_from_slice(b);
    if !little {
        buf[..b.len()].reverse();
    }
    let bits = u64::from_le_bytes(buf);
    let width = b.len() * 8;
    match kind {
        Kind::Bool | Kind::Uint => bits as f64,
        Kind::Int => {
            // Sign-extend.
            let shift = 64 - width;
            (((bits << shift) as i64) >> shift) as f64
        }
        Kind::Float if b.len() == 4 => f32::from_bits(bits as u32) as f64,
        Kind::Float => f64::from_bits(bits),
    }
}

/// The text after `'key':` in the header dictionary.
fn raw_value<'a>(header: &'a str, key: &str) -> Result<&'a str> {
    let pat = format!("'{key}'");
    let Some(at) = header.find(&pat) else {
        bail!("the .npy header has no '{key}'");
    };
    let rest = header[at + pat.len()..].trim_start();
    let Some(rest) = rest.strip_prefix(':') else {
        bail!("the .npy header is malformed near '{key}'");
    };
    Ok(rest.trim_start())
}

fn quoted_value(header: &str, key: &str) -> Result<String> {
    let v = raw_value(header, key)?;
    let q = v.chars().next().unwrap_or(' ');
    if q != '\'' && q != '"' {
        bail!("the .npy header has an unreadable '{key}'");
    }
    match v[1..].find(q) {
        Some(end) => Ok(v[1..1 + end].to_string()),
        None => bail!("the .npy header has an unreadable '{key}'"),
    }
}

fn shape(header: &str) -> Result<Vec<usize>> {
    let v = raw_value(header, "shape")?;
    let (Some(v), Some(end)) = (v.strip_prefix('('), v.find(')')) else {
        bail!("the .npy header has an unreadable 'shape'");
    };
    let mut dims = Vec::new();
    for part in v[..end - 1]
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        match part.parse::<usize>() {
            Ok(d) => dims.push(d),
            Err(_) => bail!("the .npy header has an unreadable 'shape'"),
        }
    }
    Ok(dims)
}
