//! A user's image folder read from disk: images written here with the `image` crate in five
//! formats and three sizes, plus files that are no usable image; the classes, counts, split,
//! colour choice and normalisation, and the messages for what was left out.

use super::moments::train_moments;
use image::{ImageFormat, Rgb, RgbImage};
use rgp::cli::images::load_images;
use rgp::data::{Color, Dataset, ImageOptions, Inputs};
use std::path::Path;

const FORMATS: [(ImageFormat, &str); 5] = [
    (ImageFormat::Png, "png"),
    (ImageFormat::Jpeg, "jpg"),
    (ImageFormat::Bmp, "bmp"),
    (ImageFormat::Gif, "gif"),
    (ImageFormat::WebP, "webp"),
];

/// A picture of `class` (its own colour and stripe) of size `w × h`.
fn picture(class: usize, w: u32, h: u32, grey: bool) -> RgbImage {
    let base: [u8; 3] = [[200, 40, 40], [40, 200, 40], [40, 40, 200]][class];
    RgbImage::from_fn(w, h, |x, _| {
        let on = (x * 3 / w) as usize == class;
        let px = base.map(|c| if on { c / 4 } else { c });
        if grey { Rgb([px[class]; 3]) } else { Rgb(px) }
    })
}

fn write(dir: &Path, rel: &str, img: &RgbImage, f: ImageFormat) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    img.save_with_format(&path, f).unwrap();
}

/// cat/dog/owl, ten images each (formats and sizes rotate), and five things that are no image.
fn folder(dir: &Path, grey: bool) {
    let sizes = [(8, 8), (20, 12), (40, 40)];
    for (c, class) in ["cat", "dog", "owl"].iter().enumerate() {
        for i in 0..10 {
            let (f, ext) = FORMATS[i % 5];
            let (w, h) = sizes[i % 3];
            write(
                dir,
                &format!("{class}/{i:02}.{ext}"),
                &picture(c, w, h, grey),
                f,
            );
        }
    }
    let png = std::fs::read(dir.join("cat/00.png")).unwrap();
    std::fs::write(dir.join("dog/broken.png"), &png[..png.len() / 2]).unwrap();
    std::fs::write(dir.join("owl/notes.txt"), "not a picture").unwrap();
    std::fs::write(dir.join("owl/.DS_Store"), "hidden: not listed").unwrap();
    std::fs::create_dir_all(dir.join("empty")).unwrap();
    std::fs::write(dir.join("README.md"), "loose file").unwrap();
}

fn opts() -> ImageOptions {
    ImageOptions {
        size: None,
        color: None,
        test_split: 0.2,
        seed: 3,
    }
}

fn counts(d: &Dataset, test: bool) -> Vec<usize> {
    let y = if test { &d.test.y } else { &d.train.y };
    (0..d.classes as u16)
        .map(|c| y.iter().filter(|&&l| l == c).count())
        .collect()
}

#[test]
fn a_folder_of_mixed_images_becomes_a_split_dataset() {
    let tmp = tempfile::tempdir().unwrap();
    folder(tmp.path(), false);
    let (d, skipped) = load_images(tmp.path(), opts()).unwrap();
    assert_eq!(d.class_names, ["cat", "dog", "owl"]);
    // Colour in the pictures: RGB at 32×32 by default.
    assert_eq!((d.channels, d.hw, d.features()), (3, 32, 3 * 32 * 32));
    assert_eq!(
        (counts(&d, false), counts(&d, true)),
        (vec![8; 3], vec![2; 3])
    );
    let mut why: Vec<(String, String)> = skipped
        .iter()
        .map(|s| (s.item.clone(), s.reason.clone()))
        .collect();
    why.sort();
    let items: Vec<&str> = why.iter().map(|w| w.0.as_str()).collect();
    assert_eq!(
        items,
        ["README.md", "dog/broken.png", "empty", "owl/notes.txt"]
    );
    assert_eq!(why[0].1, "not inside a class folder");
    assert!(why[1].1.starts_with("cannot decode"), "{}", why[1].1);
    assert_eq!(why[2].1, "empty class folder");
    assert!(why[3].1.starts_with("not an image"), "{}", why[3].1);
    // Standardised with the training split's own statistics.
    let (mean, var) = train_moments(&d, 0, 1);
    assert!(
        mean.abs() < 1e-4 && (var - 1.0).abs() < 1e-3,
        "{mean} {var}"
    );
    // Seeded: the same folder and seed give the same dataset.
    assert_eq!(load_images(tmp.path(), opts()).unwrap().0, d);
    // Channel-first pixels: each picture's brightest channel is its class's colour.
    let Inputs::Bytes(px) = &d.train.x else {
        panic!("images are bytes")
    };
    for (i, sample) in px.chunks(3 * 32 * 32).enumerate() {
        let sums: Vec<u32> = sample
            .chunks(32 * 32)
            .map(|c| c.iter().map(|&v| v as u32).sum())
            .collect();
        let brightest = (0..3).max_by_key(|&c| sums[c]).unwrap();
        assert_eq!(brightest, d.train.y[i] as usize, "sample {i}: {sums:?}");
    }
}

#[test]
fn grey_pictures_give_grey_inputs_and_the_choices_are_kept() {
    let tmp = tempfile::tempdir().unwrap();
    folder(tmp.path(), true);
    let (d, _) = load_images(tmp.path(), opts()).unwrap();
    assert_eq!((d.channels, d.hw), (1, 28));
    let rgb = ImageOptions {
        color: Some(Color::Rgb),
        size: Some(16),
        ..opts()
    };
    let (d, _) = load_images(tmp.path(), rgb).unwrap();
    assert_eq!((d.channels, d.hw, d.features()), (3, 16, 768));
}

#[test]
fn a_train_and_test_folder_is_the_split() {
    let tmp = tempfile::tempdir().unwrap();
    for (part, n) in [("train", 4), ("test", 2)] {
        for (c, class) in ["a", "b"].iter().enumerate() {
            for i in 0..n {
                write(
                    tmp.path(),
                    &format!("{part}/{class}/{i}.png"),
                    &picture(c, 10, 10, false),
                    ImageFormat::Png,
                );
            }
        }
    }
    let (d, skipped) = load_images(tmp.path(), opts()).unwrap();
    assert!(skipped.is_empty());
    assert_eq!(
        (counts(&d, false), counts(&d, true)),
        (vec![4, 4], vec![2, 2])
    );
    // A test class the training folder lacks is refused.
    write(
        tmp.path(),
        "test/c/0.png",
        &picture(2, 10, 10, false),
        ImageFormat::Png,
    );
    let e = load_images(tmp.path(), opts()).unwrap_err();
    assert!(
        e.message()
            .contains("test class 'c' has no training images"),
        "{e}"
    );
}

#[test]
fn one_class_nothing_usable_and_bad_sizes_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    write(
        tmp.path(),
        "only/0.png",
        &picture(0, 5, 5, false),
        ImageFormat::Png,
    );
    let e = load_images(tmp.path(), opts()).unwrap_err();
    assert!(e.message().contains("one class ('only')"), "{e}");
    std::fs::remove_file(tmp.path().join("only/0.png")).unwrap();
    std::fs::write(tmp.path().join("only/x.png"), b"\x89PNG\r\n\x1a\n").unwrap();
    let e = load_images(tmp.path(), opts()).unwrap_err();
    assert!(
        e.message().contains("no usable image (1 files left out)"),
        "{e}"
    );
    let e = load_images(
        tmp.path(),
        ImageOptions {
            size: Some(1000),
            ..opts()
        },
    )
    .unwrap_err();
    assert!(
        e.message().contains("image size 1000 is outside 4..256"),
        "{e}"
    );
    let e = load_images(&tmp.path().join("missing"), opts()).unwrap_err();
    assert!(e.message().contains("is not a folder"), "{e}");
    assert!(!e.message().contains('\n'));
}
