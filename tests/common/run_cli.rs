//! Running the `rgp` binary from an integration test (both test binaries include this file).

use std::process::{Command, Output};

/// `rgp ARGS…`: its exit status, stdout and stderr.
pub fn rgp(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rgp"))
        .args(args)
        .output()
        .unwrap()
}

/// The JSON a successful run printed (the test fails with its stderr otherwise).
#[allow(dead_code)] // not every binary that includes this file reads JSON
pub fn json(out: &Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON on stdout")
}
