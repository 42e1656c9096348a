//! The rate at which `rgp train --images` reads a folder: 10,000 MNIST digits written as 28×28
//! PNG files in ten class folders, decoded, resized (to 28 and to 32) and split. One JSON line:
//! images per second of wall time, for the first read (files from the page cache) and the best of
//! three. Needs data/mnist (scripts/fetch-data.sh).
//!
//! cargo bench --bench image_folder

use rgp::cli::images::load_images;
use rgp::data::{ImageOptions, Inputs};
use std::time::Instant;

fn main() {
    let mnist = rgp::data::load_dir("mnist", std::path::Path::new("data/mnist"))
        .expect("data/mnist (run scripts/fetch-data.sh)");
    let Inputs::Bytes(px) = &mnist.train.x else {
        panic!("MNIST pixels are bytes")
    };
    let n = 10_000;
    let tmp = tempfile::tempdir().expect("a temporary folder");
    for (i, (img, label)) in px.chunks(784).zip(&mnist.train.y).take(n).enumerate() {
        let file = tmp
            .path()
            .join(label.to_string())
            .join(format!("{i:05}.png"));
        std::fs::create_dir_all(file.parent().expect("a class folder")).expect("mkdir");
        image::GrayImage::from_raw(28, 28, img.to_vec())
            .expect("28x28")
            .save(&file)
            .expect("a PNG");
    }
    for size in [28, 32] {
        let opts = ImageOptions {
            size: Some(size),
            color: None,
            test_split: 0.2,
            seed: 1,
        };
        let mut rates = Vec::new();
        for _ in 0..3 {
            let t = Instant::now();
            let (d, skipped) = load_images(tmp.path(), opts.clone()).expect("the folder reads");
            assert_eq!((d.train.len() + d.test.len(), skipped.len()), (n, 0));
            rates.push(n as f64 / t.elapsed().as_secs_f64());
        }
        let best = rates.iter().cloned().fold(0.0, f64::max);
        println!(
            "{{\"images\": {n}, \"side\": {size}, \"first_images_per_sec\": {:.0}, \"best_images_per_sec\": {best:.0}}}",
            rates[0]
        );
    }
}
