//! Native side of the kernel benchmark: `native anneal|stats N K SEED COUNT` prints
//! `{"evaluations":E,"cpu_ms":T,"check":"HEX"}`, T being this thread's CPU time.

use rgp_wasm_kernel_bench::{anneal, check, stats};

/// CPU time of this thread in ms (`clock_gettime(CLOCK_THREAD_CPUTIME_ID)`; exact, where
/// `/proc` counters move in scheduler ticks).
fn cpu_ms() -> f64 {
    #[repr(C)]
    struct Timespec {
        sec: i64,
        nsec: i64,
    }
    unsafe extern "C" {
        fn clock_gettime(clock: i32, ts: *mut Timespec) -> i32;
    }
    const CLOCK_THREAD_CPUTIME_ID: i32 = 3;
    let mut ts = Timespec { sec: 0, nsec: 0 };
    // SAFETY: `ts` is a valid `struct timespec` (64-bit Linux layout) for the call to fill.
    let rc = unsafe { clock_gettime(CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime");
    ts.sec as f64 * 1e3 + ts.nsec as f64 * 1e-6
}

fn main() {
    let a: Vec<String> = std::env::args().skip(1).collect();
    let num = |i: usize| -> u64 { a[i].parse().expect("a number") };
    if a.len() != 5 {
        eprintln!("usage: native anneal|stats N K SEED COUNT");
        std::process::exit(2);
    }
    let (n, k, seed, count) = (num(1) as u32, num(2) as u32, num(3) as u32, num(4));
    let t0 = cpu_ms();
    let evals = match a[0].as_str() {
        "anneal" => anneal(n, k, seed, count),
        _ => stats(n, k, seed, count),
    };
    let t = cpu_ms() - t0;
    println!(
        "{{\"evaluations\":{evals},\"cpu_ms\":{t:.3},\"check\":\"{:016x}\"}}",
        check()
    );
}
