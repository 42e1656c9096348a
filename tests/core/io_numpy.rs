//! Our `.npy` files through the real `numpy.load` (python3 + numpy), and numpy's files back.
//! Skipped with a notice when python3 or numpy is missing, unless RGP_REQUIRE_NUMPY=1.

use rgp::graph::{AsplKernel, generate};
use rgp::io;
use std::process::Command;

fn python(script: &str, args: &[&str]) -> Option<String> {
    let probe = Command::new("python3")
        .args(["-c", "import numpy"])
        .output();
    if !probe.is_ok_and(|o| o.status.success()) {
        assert!(
            std::env::var_os("RGP_REQUIRE_NUMPY").is_none(),
            "python3 with numpy is required (RGP_REQUIRE_NUMPY is set)"
        );
        eprintln!("skipped: python3 with numpy not found");
        return None;
    }
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(String::from_utf8(out.stdout).unwrap())
}

#[test]
fn numpy_loads_our_npy_and_we_load_numpys() {
    let dir = tempfile::tempdir().unwrap();
    let ours = dir.path().join("ours.npy");
    let g = generate::random(70, 6, 5).unwrap();
    std::fs::write(&ours, io::to_npy(&g)).unwrap();
    let theirs = dir.path().join("theirs.npy");
    // numpy: load, check, compute the distance sum by boolean matrix powers, save as int8.
    let script = r#"
import sys, numpy as np
a = np.load(sys.argv[1])
assert a.shape == (70, 70) and a.dtype == np.float64 and a.flags.c_contiguous
assert (a == a.T).all() and (np.diag(a) == 0).all() and (a.sum(axis=1) == 6).all()
n = a.shape[0]
reach = np.eye(n, dtype=bool)
adj = a.astype(bool)
total, d = 0, 0
while not reach.all():
    d += 1
    new = reach | ((reach.astype(np.int64) @ adj.astype(np.int64)) > 0)
    total += d * int((new & ~reach).sum())
    reach = new
print(total)
np.save(sys.argv[2], a.astype(np.int8))
"#;
    let Some(out) = python(script, &[ours.to_str().unwrap(), theirs.to_str().unwrap()]) else {
        return;
    };
    let sum: u64 = out.trim().parse().unwrap();
    assert_eq!(sum, AsplKernel::new().stats(&g).unwrap().sum);
    let (back, _) = io::import(&std::fs::read(&theirs).unwrap(), "theirs.npy").unwrap();
    assert_eq!(back, g);
    assert_eq!(back.fingerprint(), g.fingerprint());
}
