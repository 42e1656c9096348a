// The sweep's statistics and results file in the page, from the sweep module (src/web/sweep_api.rs):
// the same Rust code (src/sweep/summary.rs, results.rs) that writes `rgp sweep`'s summary.json and
// results.csv. Small and synchronous, so it runs on the main thread.
import * as rgp from 'rgp-sweep';

/** The `summary` of summary.json for `rows` (results.csv columns as objects). */
export const summarize = (rows, nodes, degree) => rgp.sweep_summary(rows, nodes, degree);

/** results.csv for `rows`, as the CLI writes it. */
export const toCsv = (rows) => rgp.sweep_csv(rows);

export const CONFOUND_NOTE = rgp.sweep_confound_note();
