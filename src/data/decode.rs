//! A user's image file decoded to RGBA with the `image` crate (PNG, JPEG, GIF, BMP, WebP): the
//! same decoder natively (`rgp train --images`) and in the tab's training module, so a folder
//! gives the same pixels, dataset and `data_id` in both.

use super::images::{MAX_IMAGE_PIXELS, NOT_AN_IMAGE};
use super::user::Rgba;

/// The file's pixels, or why it is left out (one line).
pub fn decode_image(bytes: &[u8]) -> Result<Rgba, String> {
    let mut reader = image::ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| format!("cannot read: {e}"))?;
    if reader.format().is_none() {
        return Err(NOT_AN_IMAGE.into());
    }
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(MAX_IMAGE_PIXELS * 4);
    reader.limits(limits);
    let img = reader
        .decode()
        .map_err(|e| format!("cannot decode: {e}"))?
        .to_rgba8();
    Ok(Rgba {
        width: img.width(),
        height: img.height(),
        rgba: img.into_raw(),
    })
}
