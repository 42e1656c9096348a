//! ONNX networks (`rgp inspect`, `rgp mask --onnx`, `rgp export --weights IN.onnx`): any bytes are
//! refused with one line, or read, lowered to our steps and laid out as a layer table, each of
//! which may refuse in one line too, never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rgp::import::{layers, lower, onnx};

fuzz_target!(
    init: {
        // The parser asserts on some malformed graphs; `onnx::read` catches those and refuses the
        // file. Every other panic still aborts, as libFuzzer's hook makes it.
        let abort = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let in_parser = info.location().is_some_and(|l| l.file().contains("onnx-ir"));
            if !in_parser {
                abort(info);
            }
        }));
    },
    |data: &[u8]| {
        let Ok(net) = onnx::read(data) else { return };
        let _ = lower::lower(&net);
        if let Ok(found) = layers::weight_layers(&net) {
            let _ = layers::choose(&found, 4, &[]);
        }
    }
);
