//! `rgp train --images`: the 8×8 digits written here as PNG files in ten class folders train the
//! masked MLP to the accuracy the built-in digits reach; a folder of colour pictures trains an
//! RGB CNN whose saved file starts a fine-tuning run.

#![cfg(feature = "train")]

use super::run_cli::{json, rgp};
use std::path::Path;

/// The digits fixture as PNG files: `dir/<label>/<index>.png`, grey, 8×8.
fn digit_pngs(dir: &Path) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/digits.csv.gz");
    let (x, y) = rgp::data::parse_digits_csv(&std::fs::read(path).unwrap()).unwrap();
    for (i, (px, label)) in x.chunks(64).zip(&y).enumerate() {
        let grey: Vec<u8> = px.iter().map(|&v| (v as u32 * 255 / 16) as u8).collect();
        let img = image::GrayImage::from_raw(8, 8, grey).unwrap();
        let file = dir.join(label.to_string()).join(format!("{i:04}.png"));
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        img.save(file).unwrap();
    }
}

#[test]
fn digit_images_train_the_masked_mlp() {
    let tmp = tempfile::tempdir().unwrap();
    digit_pngs(tmp.path());
    let dir = tmp.path().to_str().unwrap();
    let out = rgp(&[
        "train",
        "--images",
        dir,
        "--image-size",
        "8",
        "--quiet",
        "--nodes",
        "16",
        "--degree",
        "4",
        "--hidden",
        "64,64",
        "--epochs",
        "6",
        "--batch",
        "32",
    ]);
    let v = json(&out);
    assert_eq!(v["dataset"], "images");
    let classes: Vec<String> = (0..10).map(|c| c.to_string()).collect();
    assert_eq!(v["classes"], serde_json::json!(classes));
    // The same stratified 80/20 split as the built-in digits: 1438 / 359.
    assert_eq!(
        (v["train_samples"].as_u64(), v["test_samples"].as_u64()),
        (Some(1438), Some(359))
    );
    assert_eq!(v["skipped"], serde_json::json!([]));
    let acc = v["test_accuracy"].as_f64().unwrap();
    assert!(acc >= 0.9, "test accuracy {acc}");
}

#[test]
fn colour_pictures_train_an_rgb_cnn_and_its_file_fine_tunes() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("pictures");
    for (c, colour) in [[220u8, 30, 30], [30, 220, 30], [30, 30, 220]]
        .iter()
        .enumerate()
    {
        for i in 0..20u32 {
            let img = image::RgbImage::from_fn(12 + i % 5, 12, |x, y| {
                let shade = ((x * 7 + y * 3 + i) % 40) as u8;
                image::Rgb(colour.map(|v| v.saturating_sub(shade)))
            });
            let file = dir.join(format!("c{c}")).join(format!("{i}.png"));
            std::fs::create_dir_all(file.parent().unwrap()).unwrap();
            img.save(file).unwrap();
        }
    }
    let (d, model) = (dir.to_str().unwrap(), tmp.path().join("m.safetensors"));
    let base = [
        "train",
        "--images",
        d,
        "--image-size",
        "12",
        "--model",
        "cnn",
        "--channels",
        "8,8",
    ];
    let small = ["--nodes", "4", "--degree", "2", "--quiet", "--batch", "8"];
    let args: Vec<&str> = base
        .iter()
        .chain(&small)
        .copied()
        .chain(["--epochs", "3", "--save", model.to_str().unwrap()])
        .collect();
    let v = json(&rgp(&args));
    assert_eq!(v["classes"], serde_json::json!(["c0", "c1", "c2"]));
    assert!(
        v["test_accuracy"].as_f64().unwrap() >= 0.9,
        "{}",
        v["test_accuracy"]
    );
    let args: Vec<&str> = base
        .iter()
        .chain(&small)
        .copied()
        .chain(["--epochs", "1", "--init-from", model.to_str().unwrap()])
        .collect();
    let v = json(&rgp(&args));
    assert!(v["pretrained_accuracy"].as_f64().unwrap() >= 0.9, "{v}");
}
