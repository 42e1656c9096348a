//! Import validation: files written by numpy in several dtypes are read; every malformed file
//! (shape, values, diagonal, symmetry, regularity, connectivity, truncation, garbage) is
//! rejected with one line that names the problem.

use rgp::graph::generate;
use rgp::io;

// K_{3,3} saved by numpy 2.4 (np.save) in four dtypes / layouts, as hex.
const NUMPY_BOOL: &str = "934e554d5059010076007b276465736372273a20277c6231272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028362c2036292c207d202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a000000010101000000010101000000010101010101000000010101000000010101000000";
const NUMPY_INT64: &str = "934e554d5059010076007b276465736372273a20273c6938272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028362c2036292c207d202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a000000000000000000000000000000000000000000000000010000000000000001000000000000000100000000000000000000000000000000000000000000000000000000000000010000000000000001000000000000000100000000000000000000000000000000000000000000000000000000000000010000000000000001000000000000000100000000000000010000000000000001000000000000000100000000000000000000000000000000000000000000000000000000000000010000000000000001000000000000000100000000000000000000000000000000000000000000000000000000000000010000000000000001000000000000000100000000000000000000000000000000000000000000000000000000000000";
const NUMPY_F32_FORTRAN: &str = "934e554d5059010076007b276465736372273a20273c6634272c2027666f727472616e5f6f72646572273a20547275652c20277368617065273a2028362c2036292c207d20202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a0000000000000000000000000000803f0000803f0000803f0000000000000000000000000000803f0000803f0000803f0000000000000000000000000000803f0000803f0000803f0000803f0000803f0000803f0000000000000000000000000000803f0000803f0000803f0000000000000000000000000000803f0000803f0000803f000000000000000000000000";
const NUMPY_U16_BIG_ENDIAN: &str = "934e554d5059010076007b276465736372273a20273e7532272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028362c2036292c207d202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a000000000000000100010001000000000000000100010001000000000000000100010001000100010001000000000000000100010001000000000000000100010001000000000000";

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// A v1.0 `.npy` with the given dtype, shape text and raw data.
fn npy(descr: &str, shape: &str, fortran: bool, data: &[u8]) -> Vec<u8> {
    let f = if fortran { "True" } else { "False" };
    let mut h = format!("{{'descr': '{descr}', 'fortran_order': {f}, 'shape': {shape}, }}");
    while (10 + h.len() + 1) % 64 != 0 {
        h.push(' ');
    }
    h.push('\n');
    let mut out = b"\x93NUMPY\x01\x00".to_vec();
    out.extend_from_slice(&(h.len() as u16).to_le_bytes());
    out.extend_from_slice(h.as_bytes());
    out.extend_from_slice(data);
    out
}

/// `.npy` of an `n x n` f64 matrix.
fn npy_f64(n: usize, m: &[f64]) -> Vec<u8> {
    let data: Vec<u8> = m.iter().flat_map(|x| x.to_le_bytes()).collect();
    npy("<f8", &format!("({n}, {n})"), false, &data)
}

fn ring_matrix(n: usize, k: u32) -> Vec<f64> {
    let g = generate::ring(n as u32, k).unwrap();
    g.adjacency().iter().map(|&x| x as f64).collect()
}

fn csv_of(n: usize, m: &[f64]) -> String {
    (0..n)
        .map(|i| {
            m[i * n..(i + 1) * n]
                .iter()
                .map(|x| x.to_string())
                .collect::<Vec<_>>()
                .join(",")
                + "\n"
        })
        .collect()
}

/// Imports `bytes` as `name`, expects an error containing `word`, on one line.
fn rejects(bytes: &[u8], name: &str, word: &str) {
    let e = io::import(bytes, name)
        .err()
        .unwrap_or_else(|| panic!("{name}: accepted, expected '{word}'"));
    let msg = e.message();
    assert!(!msg.contains('\n'), "{msg}");
    assert!(
        msg.to_lowercase().contains(word),
        "{name}: '{msg}' does not mention '{word}'"
    );
}

#[test]
fn reads_what_numpy_writes() {
    for h in [
        NUMPY_BOOL,
        NUMPY_INT64,
        NUMPY_F32_FORTRAN,
        NUMPY_U16_BIG_ENDIAN,
    ] {
        let (g, cfg) = io::import(&hex(h), "k33.npy").unwrap();
        assert!(cfg.is_none());
        assert_eq!((g.n(), g.k()), (6, 3));
        assert!(g.has_edge(0, 3) && !g.has_edge(0, 1));
    }
}

#[test]
fn written_npy_has_the_v1_layout() {
    let g = generate::ring(64, 4).unwrap();
    let b = io::to_npy(&g);
    assert_eq!(&b[..8], b"\x93NUMPY\x01\x00");
    let hlen = u16::from_le_bytes([b[8], b[9]]) as usize;
    assert_eq!((10 + hlen) % 64, 0);
    let header = std::str::from_utf8(&b[10..10 + hlen]).unwrap();
    assert!(header.starts_with("{'descr': '<f8', 'fortran_order': False, 'shape': (64, 64), }"));
    assert!(header.ends_with('\n'));
    assert_eq!(b.len(), 10 + hlen + 64 * 64 * 8);
    assert_eq!(io::import(&b, "x.npy").unwrap().0, g);
}

#[test]
fn rejects_every_malformed_matrix_in_npy_and_csv() {
    let n = 8;
    let good = ring_matrix(n, 4);
    let mut cases: Vec<(Vec<f64>, &str)> = Vec::new();
    let mut m = good.clone();
    m[1] = 0.5;
    m[n] = 0.5;
    cases.push((m, "only 0 and 1"));
    let mut m = good.clone();
    m[2 * n + 3] = 2.0;
    cases.push((m, "only 0 and 1"));
    let mut m = good.clone();
    m[3] = -1.0;
    cases.push((m, "only 0 and 1"));
    let mut m = good.clone();
    m[3 * n + 3] = 1.0;
    cases.push((m, "diagonal"));
    let mut m = good.clone();
    m[4] = 1.0; // (0, 4) without (4, 0)
    cases.push((m, "not symmetric"));
    let mut m = good.clone();
    m[4] = 1.0;
    m[4 * n] = 1.0; // nodes 0 and 4 get degree 5
    cases.push((m, "not regular"));
    // Two disjoint 4-cycles: 2-regular, symmetric, disconnected.
    let mut m = vec![0.0; n * n];
    for (u, v) in [
        (0, 1),
        (1, 2),
        (2, 3),
        (3, 0),
        (4, 5),
        (5, 6),
        (6, 7),
        (7, 4),
    ] {
        m[u * n + v] = 1.0;
        m[v * n + u] = 1.0;
    }
    cases.push((m, "disconnected"));
    // A perfect matching: regular but degree 1.
    let mut m = vec![0.0; n * n];
    for u in (0..n).step_by(2) {
        m[u * n + u + 1] = 1.0;
        m[(u + 1) * n + u] = 1.0;
    }
    cases.push((m, "degree"));
    assert!(io::import(&npy_f64(n, &good), "g.npy").is_ok());
    assert!(io::import(csv_of(n, &good).as_bytes(), "g.csv").is_ok());
    for (m, word) in &cases {
        rejects(&npy_f64(n, m), "bad.npy", word);
        rejects(csv_of(n, m).as_bytes(), "bad.csv", word);
    }
}

#[test]
fn rejects_bad_shapes_and_sizes() {
    let data = vec![0u8; 8 * 8 * 7];
    rejects(&npy("<f8", "(8, 7)", false, &data), "a.npy", "not square");
    rejects(&npy("<f8", "(56,)", false, &data), "a.npy", "2-d");
    rejects(&npy("<f8", "(2, 4, 7)", false, &data), "a.npy", "2-d");
    rejects(
        &npy("<f8", "(3, 3)", false, &[0u8; 72]),
        "a.npy",
        "between 4 and 1024",
    );
    rejects(
        &npy("<f8", "(2000, 2000)", false, &[]),
        "a.npy",
        "between 4 and 1024",
    );
    rejects(b"0,1,1\n1,0,1\n", "a.csv", "not square");
    rejects(b"0,1,1,0\n1,0,0\n1,0,0,1\n0,1,1,0\n", "a.csv", "not square");
    rejects(b"0,1,x,0\n", "a.csv", "not a number");
    rejects(b"", "a.csv", "no rows");
}

#[test]
fn rejects_truncated_and_garbage_files() {
    let good = io::to_npy(&generate::ring(16, 4).unwrap());
    rejects(&good[..good.len() - 8], "t.npy", "truncated");
    rejects(&good[..good.len() / 2], "t.npy", "truncated");
    rejects(&good[..9], "t.npy", "truncated");
    rejects(&good[..40], "t.npy", "truncated");
    let mut extra = good.clone();
    extra.extend_from_slice(&[0; 8]);
    rejects(&extra, "t.npy", "after");
    let mut v3 = good.clone();
    v3[6] = 9;
    rejects(&v3, "t.npy", "version");
    rejects(&npy("<c16", "(4, 4)", false, &[0u8; 256]), "c.npy", "dtype");
    rejects(&npy("|O", "(4, 4)", false, &[0u8; 128]), "o.npy", "dtype");
    let mut no_shape = good.clone();
    let at = no_shape.windows(7).position(|w| w == b"'shape'").unwrap();
    no_shape[at + 1] = b'x';
    rejects(&no_shape, "s.npy", "shape");
    let garbage: Vec<u8> = (0..500u32).map(|i| (i * 7919 % 251) as u8).collect();
    rejects(&garbage, "m.npy", "not a .npy");
    rejects(&garbage, "upload", "unrecognised");
    rejects(&[0xff, 0xfe, 0x00], "m.csv", "utf-8");
    rejects(b"", "upload", "empty");
}

#[test]
fn rejects_bad_json() {
    rejects(b"{\"nodes\": 4, \"edges\": [[0,1]", "g.json", "malformed");
    rejects(b"[1, 2]", "g.json", "object");
    rejects(b"{\"edges\": []}", "g.json", "nodes");
    rejects(b"{\"nodes\": 4}", "g.json", "edges");
    rejects(
        b"{\"nodes\": 4, \"edges\": [[0,1],[1,2],[2,3],[3,9]]}",
        "g.json",
        "outside",
    );
    rejects(
        b"{\"nodes\": 4, \"edges\": [[0,1],[1,2],[2,3],[3,\"a\"]]}",
        "g.json",
        "pair",
    );
    rejects(
        b"{\"nodes\": 4, \"edges\": [[0,1],[1,2],[2,3],[3,0],[0,1]]}",
        "g.json",
        "not regular",
    );
    rejects(
        b"{\"nodes\": 4, \"edges\": [[0,1],[1,2],[2,3],[3,3]]}",
        "g.json",
        "not regular",
    );
    rejects(b"{\"nodes\": 5000, \"edges\": []}", "g.json", "at most");
    let cycle = b"{\"nodes\": 4, \"edges\": [[0,1],[1,2],[2,3],[3,0]], \"config\": {\"nodes\": 6, \"degree\": 2}}";
    rejects(cycle, "g.json", "config");
    let ok = b"{\"nodes\": 4, \"edges\": [[0,1],[1,2],[2,3],[3,0]]}";
    assert_eq!(io::import(ok, "g.json").unwrap().0.k(), 2);
}
