//! The IDX parser and the digits loader: real files where they are present, and corrupt ones
//! built here, each rejected with one line.

use super::moments::train_moments;
use flate2::Compression;
use flate2::write::GzEncoder;
use rgp::data::{Dataset, parse_digits_csv, parse_idx};
use std::io::Write;
use std::path::Path;

fn idx(dims: &[u32], data: &[u8]) -> Vec<u8> {
    let mut v = vec![0, 0, 8, dims.len() as u8];
    for d in dims {
        v.extend_from_slice(&d.to_be_bytes());
    }
    v.extend_from_slice(data);
    v
}

fn gz(bytes: &[u8]) -> Vec<u8> {
    let mut e = GzEncoder::new(Vec::new(), Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

fn images(n: u32, side: u32) -> Vec<u8> {
    idx(&[n, side, side], &vec![7u8; (n * side * side) as usize])
}

fn labels(n: u32) -> Vec<u8> {
    idx(&[n], &(0..n).map(|i| (i % 10) as u8).collect::<Vec<_>>())
}

fn one_line(e: &rgp::Error) {
    assert!(!e.message().contains('\n'), "{e}");
    assert!(!e.message().is_empty());
}

#[test]
fn raw_and_gzip_parse_the_same() {
    let f = images(3, 4);
    assert_eq!(parse_idx(&f).unwrap(), parse_idx(&gz(&f)).unwrap());
    let ds = Dataset::from_idx(
        "t",
        &gz(&images(20, 4)),
        &labels(20),
        &images(5, 4),
        &gz(&labels(5)),
    )
    .unwrap();
    assert_eq!((ds.hw, ds.train.len(), ds.test.len()), (4, 20, 5));
}

#[test]
fn corrupt_files_are_rejected_with_one_line() {
    let good = images(3, 4);
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty", vec![], "only 0 bytes"),
        ("bad magic", vec![1, 2, 3, 4, 5, 6, 7, 8], "bad magic"),
        (
            "float data",
            {
                let mut v = good.clone();
                v[2] = 0x0d;
                v
            },
            "not supported",
        ),
        ("zero dims", vec![0, 0, 8, 0], "0 dimensions"),
        (
            "truncated header",
            good[..9].to_vec(),
            "truncated IDX header",
        ),
        (
            "truncated data",
            good[..good.len() - 5].to_vec(),
            "truncated IDX file",
        ),
        (
            "trailing data",
            [good.clone(), vec![0, 0]].concat(),
            "inconsistent",
        ),
        (
            "truncated gzip",
            {
                let z = gz(&good);
                z[..z.len() / 2].to_vec()
            },
            "gzip",
        ),
        (
            "huge header",
            idx(&[u32::MAX, u32::MAX, u32::MAX], &[1, 2, 3]),
            "truncated IDX file",
        ),
    ];
    for (what, bytes, want) in cases {
        let e = parse_idx(&bytes).expect_err(what);
        one_line(&e);
        assert!(e.message().contains(want), "{what}: {e}");
    }
}

#[test]
fn inconsistent_pairs_are_rejected() {
    let e =
        Dataset::from_idx("t", &images(10, 4), &labels(9), &images(5, 4), &labels(5)).unwrap_err();
    assert!(e.message().contains("10 images but 9 labels"), "{e}");
    let e =
        Dataset::from_idx("t", &images(10, 4), &labels(10), &images(5, 5), &labels(5)).unwrap_err();
    assert!(
        e.message().contains("4x4") && e.message().contains("5x5"),
        "{e}"
    );
    let bad_label = idx(&[2], &[3, 12]);
    let e =
        Dataset::from_idx("t", &images(2, 4), &bad_label, &images(5, 4), &labels(5)).unwrap_err();
    assert!(e.message().contains("label 12"), "{e}");
    let e =
        Dataset::from_idx("t", &labels(10), &labels(10), &images(5, 4), &labels(5)).unwrap_err();
    assert!(e.message().contains("expected 3 dimensions"), "{e}");
    let rect = idx(&[1, 2, 3], &[0; 6]);
    let e = Dataset::from_idx("t", &rect, &labels(1), &images(5, 4), &labels(5)).unwrap_err();
    assert!(e.message().contains("square"), "{e}");
}

#[test]
fn digits_fixture_parses_and_splits_stratified() {
    let bytes = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/digits.csv.gz"))
        .unwrap();
    let (x, y) = parse_digits_csv(&bytes).unwrap();
    assert_eq!((x.len(), y.len()), (1797 * 64, 1797));
    assert!(x.iter().all(|&p| p <= 16));
    let mut counts = [0; 10];
    y.iter().for_each(|&l| counts[l as usize] += 1);
    assert!(
        counts.iter().all(|&c| (174..=183).contains(&c)),
        "{counts:?}"
    );
    let ds = Dataset::digits(&bytes, 1).unwrap();
    // 20% of each class, rounded: 359 of 1797.
    assert_eq!((ds.train.len(), ds.test.len()), (1438, 359));
    for c in 0..10u16 {
        let t = ds.test.y.iter().filter(|&&l| l == c).count();
        assert!((35..=37).contains(&t), "class {c}: {t} test samples");
    }
    // Standardised inputs: mean 0 and unit variance over the training split.
    let (mean, var) = train_moments(&ds, 0, 1);
    assert!(
        mean.abs() < 1e-4 && (var - 1.0).abs() < 1e-3,
        "mean {mean} var {var}"
    );
}

#[test]
fn digits_csv_errors() {
    for (text, want) in [
        ("1,2,3\n", "3 values"),
        (&format!("{}17\n", "0,".repeat(64)) as &str, "label 17"),
        (
            &format!("{}x,1\n", "0,".repeat(63)) as &str,
            "'x' is not a number",
        ),
        ("", "no samples"),
    ] {
        let e = parse_digits_csv(text.as_bytes()).unwrap_err();
        one_line(&e);
        assert!(e.message().contains(want), "{e}");
    }
}

/// The real sets, when `scripts/fetch-data.sh` has run (it always has under `scripts/test.sh`).
#[test]
fn real_mnist_and_fashion_subsets() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    for (name, first) in [
        ("mnist-quick", [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]),
        ("fashion-quick", [9, 2, 1, 1, 6, 1, 4, 6, 5, 7]),
    ] {
        let dir = root.join(name);
        if !dir.is_dir() {
            eprintln!(
                "skipped {name}: {} is missing (run scripts/fetch-data.sh)",
                dir.display()
            );
            continue;
        }
        let ds = rgp::data::load_dir(name, &dir).unwrap();
        assert_eq!((ds.hw, ds.train.len(), ds.test.len()), (28, 6000, 1000));
        assert_eq!(&ds.test.y[..10], &first);
        if name == "mnist-quick" {
            assert!(
                (ds.mean - 0.1307).abs() < 0.01 && (ds.std - 0.3081).abs() < 0.01,
                "{} {}",
                ds.mean,
                ds.std
            );
        }
    }
}
