//! A user's image folder as a dataset. The decoding is the caller's (the `image` crate natively,
//! the browser's decoders in the tab); from decoded RGBA pixels on, everything is here, so the
//! same files give the same dataset in both: the colour choice, the resize, the classes, the
//! split and the normalisation.

use super::{Dataset, Inputs, MAX_CLASSES, Skipped, Split, stratified_split};
use crate::fingerprint::Fnv64;
use crate::{Result, bail, bail_at};

/// Grey (one channel) or RGB (three).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "lowercase")]
pub enum Color {
    Grey,
    Rgb,
}

impl Color {
    pub fn channels(self) -> usize {
        match self {
            Color::Grey => 1,
            Color::Rgb => 3,
        }
    }
    /// The input side when none is given: 28 for grey (as MNIST), 32 for RGB (as CIFAR).
    pub fn default_size(self) -> u32 {
        match self {
            Color::Grey => 28,
            Color::Rgb => 32,
        }
    }
}

/// The sides an image folder may be resized to.
pub const IMAGE_SIZE_RANGE: (u32, u32) = (4, 256);
/// Why a file is left out when its first bytes are no image format read here.
pub const NOT_AN_IMAGE: &str = "not an image (PNG, JPEG, GIF, BMP or WebP)";
/// The largest image decoded (pixels), so a small file cannot ask for gigabytes.
pub const MAX_IMAGE_PIXELS: u64 = 1 << 26;

/// How an image folder becomes a dataset.
#[derive(Clone, Debug, PartialEq)]
pub struct ImageOptions {
    /// Side of the square the images are resized to (`None`: the colour's default).
    pub size: Option<u32>,
    /// `None`: RGB if any image has colour, grey otherwise.
    pub color: Option<Color>,
    pub test_split: f64,
    pub seed: u64,
}

/// Which split a file's folder names, when the folder has `train/` and `test/`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    Train,
    Test,
}

/// One decoded image: its class (folder name), where it came from, and RGBA pixels.
pub struct Decoded<'a> {
    pub class: &'a str,
    pub part: Option<Part>,
    pub width: u32,
    pub height: u32,
    pub rgba: &'a [u8],
}

/// One image as kept: its class and part, resized in each colour still possible.
struct Sample {
    class: String,
    part: Option<Part>,
    grey: Option<Vec<u8>>,
    rgb: Option<Vec<u8>>,
}

/// Collects decoded images (kept small: resized on arrival) and builds the dataset.
pub struct ImageSet {
    opts: ImageOptions,
    samples: Vec<Sample>,
    any_colour: bool,
    pub skipped: Vec<Skipped>,
    /// Over every image added: class, split, size, pixels ([`ImageSet::data_id`]).
    content: Fnv64,
}

impl ImageSet {
    pub fn new(opts: ImageOptions) -> Result<ImageSet> {
        let (lo, hi) = IMAGE_SIZE_RANGE;
        if let Some(s) = opts.size.filter(|s| !(lo..=hi).contains(s)) {
            bail_at!("image_size", "image size {s} is outside {lo}..{hi}");
        }
        Ok(ImageSet {
            opts,
            samples: Vec::new(),
            any_colour: false,
            skipped: Vec::new(),
            content: Fnv64::default(),
        })
    }

    /// Adds one image (composited over white where it is transparent).
    pub fn push(&mut self, img: &Decoded) -> Result<()> {
        let px = img.width as u64 * img.height as u64;
        if px == 0 || px > MAX_IMAGE_PIXELS {
            bail!(
                "a {}x{} image (at most {MAX_IMAGE_PIXELS} pixels)",
                img.width,
                img.height
            );
        }
        if img.rgba.len() as u64 != px * 4 {
            bail!(
                "{}x{} image with {} bytes of RGBA",
                img.width,
                img.height,
                img.rgba.len()
            );
        }
        let (w, h) = (img.width as usize, img.height as usize);
        self.content.text(img.class);
        self.content.u32(match img.part {
            None => 0,
            Some(Part::Train) => 1,
            Some(Part::Test) => 2,
        });
        self.content.u32(img.width);
        self.content.u32(img.height);
        self.content.bytes(img.rgba);
        let rgb = to_rgb(img.rgba);
        let colour = rgb.chunks(3).any(|p| p[0] != p[1] || p[1] != p[2]);
        self.any_colour |= colour;
        let size = |c: Color| self.opts.size.unwrap_or(c.default_size()) as usize;
        let want = |c: Color| self.opts.color.is_none_or(|x| x == c);
        let grey = want(Color::Grey).then(|| resize(&to_grey(&rgb), w, h, 1, size(Color::Grey)));
        let rgb = want(Color::Rgb).then(|| resize(&rgb, w, h, 3, size(Color::Rgb)));
        let (class, part) = (img.class.to_string(), img.part);
        self.samples.push(Sample {
            class,
            part,
            grey,
            rgb,
        });
        Ok(())
    }

    /// The fingerprint of the images added so far, in order (16 hex digits): the same decoded
    /// folder gives the same id whatever the size and colour it is read at.
    pub fn data_id(&self) -> String {
        self.content.hex()
    }

    /// The colour the dataset will have.
    pub fn color(&self) -> Color {
        self.opts.color.unwrap_or(if self.any_colour {
            Color::Rgb
        } else {
            Color::Grey
        })
    }

    /// The dataset: classes in name order, the folder's own split or a seeded stratified one,
    /// inputs standardised with the training split's mean and deviation.
    pub fn finish(self, name: &str) -> Result<(Dataset, Vec<Skipped>)> {
        let color = self.color();
        let side = self.opts.size.unwrap_or(color.default_size());
        if self.samples.is_empty() {
            bail!("no usable image ({} files left out)", self.skipped.len());
        }
        let own_split = self.samples.iter().any(|s| s.part.is_some());
        let mut names: Vec<&str> = self
            .samples
            .iter()
            .filter(|s| s.part != Some(Part::Test))
            .map(|s| s.class.as_str())
            .collect();
        names.sort_unstable();
        names.dedup();
        if names.len() < 2 {
            bail!(
                "one class ('{}'): a classifier needs two or more class folders",
                names.first().unwrap_or(&"")
            );
        }
        if names.len() > MAX_CLASSES {
            bail!(
                "{} class folders; at most {MAX_CLASSES} are supported",
                names.len()
            );
        }
        let mut labels = Vec::with_capacity(self.samples.len());
        for s in &self.samples {
            match names.binary_search(&s.class.as_str()) {
                Ok(i) => labels.push(i as u16),
                Err(_) => bail!("test class '{}' has no training images", s.class),
            }
        }
        let (tr, te) = if own_split {
            let part = |p: Part| {
                (0..self.samples.len())
                    .filter(|&i| self.samples[i].part == Some(p))
                    .collect::<Vec<_>>()
            };
            (part(Part::Train), part(Part::Test))
        } else {
            stratified_split(
                &labels,
                names.len() as u32,
                self.opts.test_split,
                self.opts.seed,
            )
        };
        if tr.is_empty() || te.is_empty() {
            bail_at!(
                "test_split",
                "the {} split is empty ({} images)",
                if tr.is_empty() { "training" } else { "test" },
                labels.len()
            );
        }
        let pixels = |i: usize| match color {
            Color::Grey => self.samples[i].grey.as_deref(),
            Color::Rgb => self.samples[i].rgb.as_deref(),
        };
        let take = |idx: &[usize]| Split {
            x: Inputs::Bytes(
                idx.iter()
                    .flat_map(|&i| pixels(i).unwrap_or_default().iter().copied())
                    .collect(),
            ),
            y: idx.iter().map(|&i| labels[i]).collect(),
        };
        let class_names = names.iter().map(|s| s.to_string()).collect();
        let data = Dataset::images(
            name,
            side,
            color.channels() as u32,
            class_names,
            take(&tr),
            take(&te),
        );
        Ok((data, self.skipped))
    }
}

/// RGBA → RGB over a white background.
fn to_rgb(rgba: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(rgba.len() / 4 * 3);
    for p in rgba.chunks_exact(4) {
        let a = p[3] as u32;
        for &c in &p[..3] {
            out.push(((c as u32 * a + 255 * (255 - a) + 127) / 255) as u8);
        }
    }
    out
}

/// Luma (ITU-R BT.601, as PIL's "L").
fn to_grey(rgb: &[u8]) -> Vec<u8> {
    rgb.chunks_exact(3)
        .map(|p| ((299 * p[0] as u32 + 587 * p[1] as u32 + 114 * p[2] as u32 + 500) / 1000) as u8)
        .collect()
}

/// Area-average resize of an interleaved `w × h × c` image to `side × side`, returned
/// channel-first (`c × side × side`, as the CNN reads it). Each output pixel is the mean of the
/// source area it covers, weighted by overlap: exact for any ratio, up or down.
fn resize(src: &[u8], w: usize, h: usize, c: usize, side: usize) -> Vec<u8> {
    let spans = |n: usize| -> Vec<Vec<(usize, f32)>> {
        let scale = n as f64 / side as f64;
        (0..side)
            .map(|o| {
                let (a, b) = (o as f64 * scale, (o + 1) as f64 * scale);
                (a.floor() as usize..(b.ceil() as usize).min(n))
                    .map(|i| {
                        (
                            i,
                            ((b.min(i as f64 + 1.0) - a.max(i as f64)) / scale) as f32,
                        )
                    })
                    .filter(|&(_, wgt)| wgt > 0.0)
                    .collect()
            })
            .collect()
    };
    let (xs, ys) = (spans(w), spans(h));
    let mut out = vec![0u8; c * side * side];
    for (oy, ry) in ys.iter().enumerate() {
        for (ox, rx) in xs.iter().enumerate() {
            for ch in 0..c {
                let mut acc = 0f32;
                for &(y, wy) in ry {
                    for &(x, wx) in rx {
                        acc += wy * wx * src[(y * w + x) * c + ch] as f32;
                    }
                }
                out[ch * side * side + oy * side + ox] = acc.round().clamp(0.0, 255.0) as u8;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resize_averages_areas_and_keeps_a_flat_image_flat() {
        // 4×4 → 2×2: each output is the mean of a 2×2 block.
        let src: Vec<u8> = (0..16).map(|i| (i * 10) as u8).collect();
        assert_eq!(resize(&src, 4, 4, 1, 2), [25, 45, 105, 125]);
        // Any ratio, up or down: a flat image stays flat.
        for (w, h, side) in [(7, 3, 5), (3, 9, 28), (100, 60, 32)] {
            let flat = vec![77u8; w * h * 3];
            assert!(
                resize(&flat, w, h, 3, side).iter().all(|&v| v == 77),
                "{w}x{h}→{side}"
            );
        }
        // Channel-first output.
        let rgb = [10, 20, 30].repeat(4);
        assert_eq!(resize(&rgb, 2, 2, 3, 1), [10, 20, 30]);
    }

    #[test]
    fn transparency_is_white_and_grey_is_luma() {
        assert_eq!(
            to_rgb(&[0, 0, 0, 0, 200, 100, 0, 255]),
            [255, 255, 255, 200, 100, 0]
        );
        assert_eq!(to_grey(&[255, 255, 255, 255, 0, 0]), [255, 76]);
    }
}
