//! A user's CSV table (`rgp train --table`, the tab's "Your data"): any bytes, with the target
//! column, the split and the bad-row choice taken from the first byte.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rgp::data::{Inputs, TableOptions, parse_table};

fuzz_target!(|data: &[u8]| {
    let Some((&first, text)) = data.split_first() else {
        return;
    };
    // Name the target after a header column when the header has some, else a fixed name.
    let header = text.split(|&b| b == b'\n').next().unwrap_or_default();
    let names: Vec<&[u8]> = header.split(|&b| b == b',' || b == b';' || b == b'\t').collect();
    let pick = names[first as usize % names.len()];
    let opts = TableOptions {
        target: String::from_utf8_lossy(pick).trim().to_string(),
        test_split: [0.2, 0.01, 0.99, 0.5][(first >> 4) as usize % 4],
        drop_bad_rows: first & 8 != 0,
        seed: first as u64,
    };
    if let Ok((d, _)) = parse_table("fuzz", text, &opts) {
        let f = d.features();
        for s in [&d.train, &d.test] {
            assert!(matches!(&s.x, Inputs::Floats(x) if x.len() == s.len() * f));
            assert!(s.y.iter().all(|&l| (l as u32) < d.classes));
        }
        assert!(d.classes >= 2 && d.class_names.len() == d.classes as usize);
        let mut out = Vec::new();
        d.batch(&d.train, &[0], &mut out);
        assert!(out.iter().all(|v| v.is_finite()));
    }
});
