//! The IDX format (MNIST, Fashion-MNIST): big-endian header `00 00 08 D` (unsigned bytes, D
//! dimensions), D big-endian `u32` sizes, then the data. Files may be gzipped. Anything truncated,
//! too long, or inconsistent is rejected with one line.

use crate::{Error, Result, bail};
use std::io::Read;

/// Upper bound on a decompressed file (the full MNIST training images are 47 MB).
const MAX_BYTES: u64 = 256 << 20;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Idx {
    pub dims: Vec<u32>,
    pub data: Vec<u8>,
}

/// Gunzips when the bytes start with the gzip magic, otherwise returns them as they are (a
/// server may already have removed the `Content-Encoding: gzip` layer).
pub fn maybe_gunzip(bytes: &[u8]) -> Result<std::borrow::Cow<'_, [u8]>> {
    if bytes.len() >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(bytes)
            .take(MAX_BYTES + 1)
            .read_to_end(&mut out)
            .map_err(|e| Error::new(format!("corrupt gzip data: {e}")))?;
        if out.len() as u64 > MAX_BYTES {
            bail!("decompressed file is larger than {} MB", MAX_BYTES >> 20);
        }
        Ok(out.into())
    } else {
        Ok(bytes.into())
    }
}

/// Parses one IDX file (raw or gzipped) of unsigned bytes.
pub fn parse_idx(bytes: &[u8]) -> Result<Idx> {
    let raw = maybe_gunzip(bytes)?;
    let b = &raw[..];
    if b.len() < 4 {
        bail!("not an IDX file: only {} bytes", b.len());
    }
    if b[0] != 0 || b[1] != 0 {
        bail!(
            "not an IDX file: bad magic {:02x}{:02x}{:02x}{:02x}",
            b[0],
            b[1],
            b[2],
            b[3]
        );
    }
    if b[2] != 0x08 {
        bail!(
            "IDX data type 0x{:02x} is not supported (expected 0x08, unsigned bytes)",
            b[2]
        );
    }
    let nd = b[3] as usize;
    if nd == 0 || nd > 4 {
        bail!("IDX file declares {nd} dimensions (expected 1 to 4)");
    }
    let header = 4 + 4 * nd;
    if b.len() < header {
        bail!("truncated IDX header: {} bytes, expected {header}", b.len());
    }
    let dims: Vec<u32> = (0..nd)
        .map(|i| u32::from_be_bytes(b[4 + 4 * i..8 + 4 * i].try_into().unwrap()))
        .collect();
    let want = dims
        .iter()
        .try_fold(1u64, |acc, &d| acc.checked_mul(d as u64))
        .unwrap_or(u64::MAX);
    let have = (b.len() - header) as u64;
    if have < want {
        bail!("truncated IDX file: header {dims:?} needs {want} data bytes, found {have}");
    }
    if have > want {
        bail!("inconsistent IDX file: header {dims:?} needs {want} data bytes, found {have}");
    }
    Ok(Idx {
        dims,
        data: b[header..].to_vec(),
    })
}

/// Images (`N × rows × cols`, square) and their labels (`N`, values 0..9), checked against each
/// other. Returns the image side and the split.
pub fn images_and_labels(what: &str, images: &[u8], labels: &[u8]) -> Result<(u32, super::Split)> {
    let im = parse_idx(images).map_err(|e| Error::new(format!("{what} images: {e}")))?;
    let lb = parse_idx(labels).map_err(|e| Error::new(format!("{what} labels: {e}")))?;
    if im.dims.len() != 3 {
        bail!(
            "{what} images: expected 3 dimensions (N, rows, cols), found {}",
            im.dims.len()
        );
    }
    if lb.dims.len() != 1 {
        bail!(
            "{what} labels: expected 1 dimension, found {}",
            lb.dims.len()
        );
    }
    let (n, r, c) = (im.dims[0], im.dims[1], im.dims[2]);
    if r != c || r == 0 {
        bail!("{what} images: expected square images, found {r}x{c}");
    }
    if lb.dims[0] != n {
        bail!("{what} set: {n} images but {} labels", lb.dims[0]);
    }
    if n == 0 {
        bail!("{what} set is empty");
    }
    if let Some(p) = lb.data.iter().position(|&l| l > 9) {
        bail!(
            "{what} labels: label {} at index {p} is outside 0..9",
            lb.data[p]
        );
    }
    Ok((r, super::Split::bytes(im.data, lb.data)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn idx(dims: &[u32], data: &[u8]) -> Vec<u8> {
        let mut v = vec![0, 0, 8, dims.len() as u8];
        for d in dims {
            v.extend_from_slice(&d.to_be_bytes());
        }
        v.extend_from_slice(data);
        v
    }

    #[test]
    fn parses_raw_and_rejects_lengths() {
        let f = idx(&[2, 2, 2], &[1, 2, 3, 4, 5, 6, 7, 8]);
        assert_eq!(parse_idx(&f).unwrap().dims, vec![2, 2, 2]);
        assert!(
            parse_idx(&f[..f.len() - 1])
                .unwrap_err()
                .message()
                .contains("truncated")
        );
        let mut long = f.clone();
        long.push(0);
        assert!(
            parse_idx(&long)
                .unwrap_err()
                .message()
                .contains("inconsistent")
        );
        assert!(parse_idx(&f[..6]).unwrap_err().message().contains("header"));
    }
}
