// Runs the pinned-fingerprint table and the kernel check inside a wasm32 build
// (node check.mjs module.wasm).
import { readFileSync } from 'node:fs';

const { instance } = await WebAssembly.instantiate(readFileSync(process.argv[2]), {});
const { pinned_rows, check_row, kernel_mismatches } = instance.exports;
const rows = pinned_rows();
let bad = 0;
for (let i = 0; i < rows; i++) {
  if (check_row(i) !== 1) {
    console.error(`row ${i} of tests/core/graph_fingerprints.rs differs on wasm32`);
    bad++;
  }
}
const kernelBad = kernel_mismatches();
if (kernelBad !== 0) console.error(`the ASPL kernel disagrees with a plain BFS on ${kernelBad} graphs`);
console.log(`wasm32: ${rows - bad}/${rows} pinned fingerprints identical to native; kernel ${kernelBad === 0 ? 'matches' : 'DIFFERS from'} BFS on every row width`);
process.exit(bad === 0 && rows > 0 && kernelBad === 0 ? 0 : 1);
