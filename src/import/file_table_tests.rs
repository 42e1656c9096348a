//! The table of a model file against the table of an ONNX file holding the same network: two
//! derivations (the file's steps or architecture; the parsed ONNX graph) that must agree.

use super::{Fallback, FileTable, model_table, saved_table};
use crate::import::layers::{LayerChoice, Table, table};
use crate::import::lower::lower;
use crate::import::onnx::read;
use crate::import::saved::SavedNet;
use crate::import::test_models;
use crate::mapping::{Accounting, Connectivity, Convention, account};
use crate::model_file::onnx::{export, tests as files};
use crate::model_file::{Dtype, Layout, ModelFile};

fn ring(n: u32, k: u32) -> Connectivity {
    Connectivity::from_graph(&crate::graph::generate::ring(n, k).unwrap(), false)
}

/// A row's geometry and choice; names and weight shapes aside (an ONNX file may name a layer
/// otherwise and store a linear weight transposed).
fn geometry(r: &LayerChoice) -> String {
    let l = &r.layer;
    format!(
        "{} {}→{} k{:?} s{:?} g{} hw{:?} bias {} eligible {} masked {}",
        l.op,
        l.in_ch,
        l.out_ch,
        l.kernel,
        l.stride,
        l.groups,
        l.out_hw,
        l.bias,
        r.eligible,
        r.masked
    )
}

fn totals(a: &Accounting) -> [u64; 6] {
    [
        a.params_dense,
        a.params_pruned,
        a.flops_dense,
        a.flops_pruned,
        a.nodes as u64,
        a.degree as u64,
    ]
}

fn same(ours: &FileTable, onnx: &Table) {
    assert_eq!(ours.params, onnx.params);
    let rows = |t: &[LayerChoice]| t.iter().map(geometry).collect::<Vec<_>>();
    assert_eq!(rows(&ours.layers), rows(&onnx.layers));
    let (a, b) = (ours.accounting.as_ref().unwrap(), &onnx.accounting);
    assert_eq!(totals(a), totals(b));
}

#[test]
fn a_saved_network_tables_as_the_onnx_file_it_came_from() {
    let conn = ring(16, 4);
    for bytes in [
        test_models::mlp(),
        test_models::cnn(),
        test_models::residual_concat(),
    ] {
        for convention in [Convention::Exact, Convention::Paper] {
            let file = read(&bytes).unwrap();
            let onnx = table(&file, "net", &conn, &[], convention).unwrap();
            let net = lower(&file).unwrap();
            let masked = net
                .weight_steps()
                .map(|(_, s)| {
                    onnx.layers
                        .iter()
                        .find(|r| r.layer.name == s.name)
                        .unwrap()
                        .masked
                })
                .collect();
            let s = SavedNet {
                net,
                masked,
                conn: Some(conn.clone()),
                meta: vec![],
            };
            // The file's own graph wins over the flags'.
            let other = ring(8, 2);
            let ours = saved_table(
                &s,
                Fallback {
                    conn: &other,
                    convention,
                },
            )
            .unwrap();
            same(&ours, &onnx);
            let names =
                |t: &[LayerChoice]| t.iter().map(|r| r.layer.name.clone()).collect::<Vec<_>>();
            assert_eq!(names(&ours.layers), names(&onnx.layers));
            assert!(ours.kept_weights < ours.params);
        }
    }
}

/// A built-in network's file: its counts are `rgp mask`'s for its architecture (the test files
/// mask the layers the default options mask), and its table is its ONNX export's in the
/// exact convention. (In the paper convention they differ on purpose: the reference builds the
/// built-in MLP's layers as 1×1 convs, which its `cal_flops` scales by d/n, an imported Gemm as an
/// `nn.Linear`, which it does not.)
#[test]
fn a_built_in_model_file_tables_as_rgp_mask_and_its_onnx_export() {
    for f in [files::mlp(), files::cnn()] {
        let mut f: ModelFile = f;
        f.validate().unwrap();
        let conn = Connectivity::from_rows(f.neighbors.clone().unwrap()).unwrap();
        let other = ring(8, 2);
        let table_of = |convention| {
            let fallback = Fallback {
                conn: &other,
                convention,
            };
            model_table(&f, fallback).unwrap()
        };
        for convention in [Convention::Exact, Convention::Paper] {
            let ours = table_of(convention);
            let mask = account(&f.meta.arch.arch().unwrap(), &conn, convention).unwrap();
            assert_eq!(totals(ours.accounting.as_ref().unwrap()), totals(&mask));
            assert_eq!(ours.kept_weights, f.kept_weights() as u64);
            assert!(ours.layers.iter().any(|r| r.masked));
        }
    }
    for f in [files::mlp(), files::cnn()] {
        let onnx = read(&export(&f, Layout::Dense, Dtype::F32).unwrap()).unwrap();
        let conn = Connectivity::from_rows(f.neighbors.clone().unwrap()).unwrap();
        let fallback = Fallback {
            conn: &conn,
            convention: Convention::Exact,
        };
        same(
            &model_table(&f, fallback).unwrap(),
            &table(&onnx, "m", &conn, &[], Convention::Exact).unwrap(),
        );
    }
}

#[test]
fn masks_without_a_graph_are_tabled_without_the_graph_s_counts() {
    let mut f = files::mlp();
    f.neighbors = None;
    let conn = ring(4, 2);
    let t = model_table(
        &f,
        Fallback {
            conn: &conn,
            convention: Convention::Exact,
        },
    )
    .unwrap();
    assert!(t.accounting.is_none());
    assert!(t.layers[1].masked);
    assert!(t.kept_weights < 8 * 8 + 8 * 8 + 3 * 8);
    // Nothing masked: the flags' graph describes what masking it would keep.
    let mut dense = files::mlp();
    dense.neighbors = None;
    dense.layers[1].mask = None;
    let t = model_table(
        &dense,
        Fallback {
            conn: &conn,
            convention: Convention::Exact,
        },
    )
    .unwrap();
    let a = t.accounting.unwrap();
    assert_eq!(a.params_pruned, a.params_dense);
    assert_eq!(t.layers[1].note.as_deref(), Some("dense in this file"));
}
