//! A user's CSV table: delimiters, quoting, classes from text or integer labels, the seeded
//! stratified split, per-column standardisation, and the messages for bad rows and columns.

use super::moments::train_moments;
use rgp::data::{Inputs, Skipped, TableOptions, parse_table};

fn opts(target: &str) -> TableOptions {
    TableOptions {
        target: target.into(),
        test_split: 0.25,
        drop_bad_rows: false,
        seed: 7,
    }
}

/// 40 rows, two features, three text classes of 22 / 10 / 8 rows.
fn flowers(sep: &str) -> String {
    let mut s = format!("petal{sep}sepal{sep}species\n");
    for i in 0..40 {
        let class = match i % 5 {
            0 | 1 => "setosa",
            2 | 3 if i < 24 => "versicolor",
            2 | 3 => "setosa",
            _ => "virginica",
        };
        s += &format!("{}{sep}{}{sep}{class}\n", i as f32 * 0.5, 100 - i);
    }
    s
}

fn error(text: &str, o: &TableOptions) -> String {
    let e = parse_table("t", text.as_bytes(), o).unwrap_err();
    assert!(!e.message().contains('\n'), "{e}");
    e.message().to_string()
}

#[test]
fn text_classes_split_and_standardisation() {
    let (d, skipped) = parse_table("t.csv", flowers(",").as_bytes(), &opts("species")).unwrap();
    assert!(skipped.is_empty());
    assert_eq!(d.class_names, ["setosa", "versicolor", "virginica"]);
    assert_eq!((d.features(), d.hw, d.classes), (2, 0, 3));
    assert_eq!(d.train.len() + d.test.len(), 40);
    // Stratified: a quarter of each class (rounded) is held out.
    let counts = |y: &[u16]| {
        (0..3)
            .map(|c| y.iter().filter(|&&l| l == c).count())
            .collect::<Vec<_>>()
    };
    let all: Vec<usize> = counts(&d.train.y)
        .iter()
        .zip(counts(&d.test.y))
        .map(|(a, b)| a + b)
        .collect();
    assert_eq!(all, [22, 10, 8]);
    assert_eq!(counts(&d.test.y), [6, 3, 2]);
    // Seeded: the same seed gives the same split, another seed another one.
    let again = parse_table("t.csv", flowers(",").as_bytes(), &opts("species"))
        .unwrap()
        .0;
    assert_eq!(again, d);
    let other = parse_table(
        "t.csv",
        flowers(",").as_bytes(),
        &TableOptions {
            seed: 8,
            ..opts("species")
        },
    );
    assert_ne!(other.unwrap().0.test, d.test);
    // The training split's columns come out with mean 0 and standard deviation 1.
    for c in 0..2 {
        let (mean, var) = train_moments(&d, c, 2);
        assert!(
            mean.abs() < 1e-5 && (var - 1.0).abs() < 1e-4,
            "column {c}: {mean} {var}"
        );
    }
    let norm = d.column_norm.as_ref().unwrap();
    assert_eq!(norm.names, ["petal", "sepal"]);
    assert!(matches!(d.train.x, Inputs::Floats(_)));
}

#[test]
fn semicolons_tabs_quotes_and_a_byte_order_mark_read_the_same() {
    let comma = parse_table("t", flowers(",").as_bytes(), &opts("species"))
        .unwrap()
        .0;
    for text in [
        flowers(";"),
        flowers("\t"),
        format!("\u{feff}{}", flowers(",")),
    ] {
        assert_eq!(
            parse_table("t", text.as_bytes(), &opts("species"))
                .unwrap()
                .0,
            comma
        );
    }
    // A quoted field may hold the delimiter.
    let quoted = "a,b,label\n1,2,\"x, y\"\n3,4,z\n5,6,\"x, y\"\n7,8,z\n";
    let d = parse_table(
        "t",
        quoted.as_bytes(),
        &TableOptions {
            test_split: 0.5,
            ..opts("label")
        },
    )
    .unwrap()
    .0;
    assert_eq!(d.class_names, ["x, y", "z"]);
}

#[test]
fn integer_labels_are_ordered_by_value() {
    let mut s = String::from("x;y\n");
    for i in 0..30 {
        s += &format!("{i};{}\n", [2, 10, 9][i % 3]);
    }
    let d = parse_table("t", s.as_bytes(), &opts("y")).unwrap().0;
    assert_eq!(d.class_names, ["2", "9", "10"]);
    // A decimal comma is refused and named, never read as something else.
    let e = error("x;y\n1,5;a\n2;b\n", &opts("y"));
    assert!(
        e.contains("'1,5' is not a number (a decimal comma: write 1.5)"),
        "{e}"
    );
}

#[test]
fn bad_rows_are_refused_with_line_and_column_or_dropped_and_listed() {
    let mut text = flowers(",");
    text += "3.5,,setosa\n"; // line 42: missing value
    text += "4.5,abc,virginica\n"; // line 43: not a number
    text += "1,2\n"; // line 44: a field short
    text += "1,2,NA\n"; // line 45: missing target
    let e = error(&text, &opts("species"));
    assert!(
        e.contains("line 42") && e.contains("'sepal'") && e.contains("missing value"),
        "{e}"
    );
    assert!(e.contains("--drop-bad-rows"), "{e}");
    let o = TableOptions {
        drop_bad_rows: true,
        ..opts("species")
    };
    let (d, skipped) = parse_table("t", text.as_bytes(), &o).unwrap();
    assert_eq!(d.train.len() + d.test.len(), 40);
    let lines: Vec<&str> = skipped.iter().map(|s| s.item.as_str()).collect();
    assert_eq!(lines, ["line 42", "line 43", "line 44", "line 45"]);
    let Skipped { reason, .. } = &skipped[1];
    assert!(reason.contains("'abc' is not a number"), "{reason}");
    assert!(
        skipped[2].reason.contains("2 fields, the header has 3"),
        "{:?}",
        skipped[2]
    );
}

#[test]
fn a_text_column_is_refused_even_when_bad_rows_are_dropped() {
    let text = "size,colour,kind\n1,red,a\n2,blue,b\n3,red,a\n4,blue,b\n";
    let e = error(text, &opts("kind"));
    assert!(
        e.contains("line 2") && e.contains("'colour'") && e.contains("'red' is not a number"),
        "{e}"
    );
    let e = error(
        text,
        &TableOptions {
            drop_bad_rows: true,
            ..opts("kind")
        },
    );
    assert!(
        e.contains("column 'colour' is not numeric (line 2: 'red')"),
        "{e}"
    );
}

#[test]
fn header_target_class_and_split_errors() {
    let text = flowers(",");
    let e = error(&text, &opts("kind"));
    assert!(
        e.contains("no column 'kind'") && e.contains("petal, sepal, species"),
        "{e}"
    );
    let e = error("a,b\n1,x\n2,x\n3,x\n", &opts("b"));
    assert!(e.contains("single class ('x')"), "{e}");
    let e = error("just one column\n1\n2\n", &opts("x"));
    assert!(e.contains("one column"), "{e}");
    let e = error("a,a,b\n1,2,x\n", &opts("b"));
    assert!(e.contains("names column 'a' twice"), "{e}");
    let e = error(
        &text,
        &TableOptions {
            test_split: 1.0,
            ..opts("species")
        },
    );
    assert!(e.contains("test split 1 is outside 0.01..0.99"), "{e}");
    // Found by the fuzzer: one row per class and a large test split left no training row.
    let e = error(
        "p,s\n1.5,a\n3,b\n2,c\n",
        &TableOptions {
            test_split: 0.99,
            ..opts("s")
        },
    );
    assert!(e.contains("the training split is empty: 3 rows"), "{e}");
    let e = error("a,b\n", &opts("b"));
    assert!(e.contains("no usable row"), "{e}");
    let bad_utf8 = b"a,b\n1,\xff\n";
    let e = parse_table("t", bad_utf8, &opts("b")).unwrap_err();
    assert!(
        e.message().contains("UTF-8") || e.message().contains("utf-8"),
        "{e}"
    );
}
