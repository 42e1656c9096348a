//! A user's image folder after decoding (what the tab's worker and `rgp train --images` hand
//! `data::images`): any sizes, pixels, classes, parts, colour and output side.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rgp::data::images::{Decoded, Part};
use rgp::data::{Color, ImageOptions, ImageSet, Inputs};

fuzz_target!(|data: &[u8]| {
    let Some((&head, mut rest)) = data.split_first() else {
        return;
    };
    let opts = ImageOptions {
        size: (head & 1 != 0).then_some(1 + (head as u32 >> 1)),
        color: [None, Some(Color::Grey), Some(Color::Rgb)][head as usize % 3],
        test_split: 0.25,
        seed: 1,
    };
    let Ok(mut set) = ImageSet::new(opts) else {
        return;
    };
    // Images of up to 15×15: [w h class part] then w·h·4 bytes (a short tail is passed as is).
    while rest.len() >= 4 {
        let (w, h) = ((rest[0] % 16) as u32, (rest[1] % 16) as u32);
        let class = ["a", "b", "c"][rest[2] as usize % 3];
        let part = [None, Some(Part::Train), Some(Part::Test)][rest[3] as usize % 3];
        rest = &rest[4..];
        let n = ((w * h * 4) as usize).min(rest.len());
        let img = Decoded { class, part, width: w, height: h, rgba: &rest[..n] };
        let _ = set.push(&img);
        rest = &rest[n..];
    }
    if let Ok((d, _)) = set.finish("fuzz") {
        let f = d.features();
        assert_eq!(f, (d.channels * d.hw * d.hw) as usize);
        for s in [&d.train, &d.test] {
            assert!(matches!(&s.x, Inputs::Bytes(x) if x.len() == s.len() * f));
        }
    }
});
