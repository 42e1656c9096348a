//! The sklearn 8×8 digits file (`digits.csv.gz`, UCI optical digits, CC BY 4.0): one sample per
//! line, 64 pixel values 0..16 then the label 0..9, no header.

use super::idx::maybe_gunzip;
use crate::{Result, bail};

/// Returns the pixels (0..16, row-major, 64 per sample) and the labels.
pub fn parse_digits_csv(bytes: &[u8]) -> Result<(Vec<u8>, Vec<u8>)> {
    let raw = maybe_gunzip(bytes)?;
    let text =
        std::str::from_utf8(&raw).map_err(|_| crate::Error::new("digits file is not text"))?;
    let (mut x, mut y) = (Vec::new(), Vec::new());
    for (ln, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let mut count = 0;
        for (i, field) in line.split(',').enumerate() {
            let v: f32 = match field.trim().parse() {
                Ok(v) => v,
                Err(_) => bail!("digits line {}: '{}' is not a number", ln + 1, field.trim()),
            };
            match i {
                0..=63 if (0.0..=16.0).contains(&v) && v.fract() == 0.0 => x.push(v as u8),
                64 if (0.0..=9.0).contains(&v) && v.fract() == 0.0 => y.push(v as u8),
                0..=63 => bail!("digits line {}: pixel {v} is outside 0..16", ln + 1),
                64 => bail!("digits line {}: label {v} is outside 0..9", ln + 1),
                _ => bail!("digits line {}: more than 65 values", ln + 1),
            }
            count = i + 1;
        }
        if count != 65 {
            bail!("digits line {}: {count} values, expected 65", ln + 1);
        }
    }
    if y.is_empty() {
        bail!("digits file holds no samples");
    }
    Ok((x, y))
}
