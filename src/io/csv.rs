//! Dense 0/1 adjacency as text: one row per line, entries separated by commas (spaces,
//! tabs and semicolons are read too).

use crate::graph::Graph;
use crate::{Result, bail};

pub fn write(g: &Graph) -> String {
    let n = g.n() as usize;
    let mut s = String::with_capacity(2 * n * n);
    for u in 0..g.n() {
        for v in 0..g.n() {
            if v > 0 {
                s.push(',');
            }
            s.push(if g.has_edge(u, v) { '1' } else { '0' });
        }
        s.push('\n');
    }
    s
}

pub fn read(bytes: &[u8]) -> Result<Graph> {
    let Ok(text) = std::str::from_utf8(bytes) else {
        bail!("the CSV file is not UTF-8 text");
    };
    let mut rows: Vec<Vec<f64>> = Vec::new();
    for (r, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let mut row = Vec::new();
        for (c, cell) in line
            .split(|ch: char| ch == ',' || ch == ';' || ch.is_whitespace())
            .filter(|c| !c.is_empty())
            .enumerate()
        {
            match cell.parse::<f64>() {
                Ok(x) => row.push(x),
                Err(_) => bail!("line {}, column {}: {cell:?} is not a number", r + 1, c + 1),
            }
        }
        rows.push(row);
        if rows.len() > crate::graph::MAX_NODES as usize {
            bail!("the CSV has more than {} rows", crate::graph::MAX_NODES);
        }
    }
    let n = rows.len();
    if n == 0 {
        bail!("the CSV file holds no rows");
    }
    if let Some((i, r)) = rows.iter().enumerate().find(|(_, r)| r.len() != n) {
        bail!(
            "the matrix is not square: {n} rows but row {} has {} entries",
            i + 1,
            r.len()
        );
    }
    super::graph_from_matrix(n, |i, j| rows[i][j])
}
