#!/usr/bin/env bash
# Model files leave the project and give the same logits everywhere (docs/MODEL_FILES.md): on the
# digits fixture, tiny MLP and CNN models trained and saved by `rgp train --save` (dense and
# packed layouts) are run by `rgp predict`, by numpy from the file (python/rgp_model.py) and by
# ONNX Runtime from `rgp export --format onnx` in both layouts; all must agree within 1e-4.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
# The binary that `cargo test --release` builds (for its integration tests): a plain `cargo build`
# resolves dependency features without the dev-dependencies and would compile Burn a second time.
# RGP_BIN names a binary built already (scripts/test.sh passes the one its native step built).
if [ -z "${RGP_BIN:-}" ]; then
  cargo test --release --quiet --no-run --test core
  RGP_BIN=${CARGO_TARGET_DIR:-target}/release/rgp
fi
rgp=$RGP_BIN
# The Python that scripts/setup.sh --test equips (its virtual environment), or RGP_PYTHON.
VENV=${RGP_VENV:-$HOME/.cache/rgp-studio/venv}
PY=${RGP_PYTHON:-$( [ -x "$VENV/bin/python3" ] && echo "$VENV/bin/python3" || echo python3 )}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

# The first 300 digits, normalised as the model file says.
inputs() { # model.safetensors out.npy
  "$PY" - "$1" "$2" <<'EOF'
import gzip, sys
import numpy as np
from safetensors import safe_open
with safe_open(sys.argv[1], framework="numpy") as f:
    m = f.metadata()
rows = np.loadtxt(gzip.open("fixtures/digits.csv.gz", "rt"), delimiter=",", max_rows=300)
x = (rows[:, :64] / float(m["input_max"]) - float(m["input_mean"])) / float(m["input_std"])
np.save(sys.argv[2], x.astype(np.float32))
EOF
}

check() { # name: model file $dir/$name.safetensors exists
  local name=$1 m="$dir/$1.safetensors" l
  inputs "$m" "$dir/x.npy"
  $rgp predict --weights "$m" --input "$dir/x.npy" --out "$dir/$name.y.npy" >/dev/null
  for l in dense packed; do
    $rgp export --weights "$m" --format onnx --layout "$l" --out "$dir/$name.$l.onnx" >/dev/null
  done
  # Our own dense export comes back in as "your own network": `rgp predict` through the importer
  # (back.npy) gives what it gives on the model file.
  $rgp predict --weights "$dir/$name.dense.onnx" --input "$dir/x.npy" --out "$dir/$name.back.npy" >/dev/null
  "$PY" python/check_roundtrip.py --x "$dir/x.npy" --y "$dir/$name.y.npy" \
    "$m" "$dir/$name.dense.onnx" "$dir/$name.packed.onnx" "$dir/$name.back.npy"
}

train=(--dataset digits --epochs 2 --quiet --seed 3)
for layout in dense packed; do
  $rgp train "${train[@]}" --model mlp --hidden 64,64 --nodes 16 --degree 4 \
    --layout "$layout" --save "$dir/mlp-$layout.safetensors" >/dev/null
  check "mlp-$layout"
  $rgp train "${train[@]}" --model cnn --channels 16,16,16 --nodes 8 --degree 2 \
    --layout "$layout" --save "$dir/cnn-$layout.safetensors" >/dev/null
  check "cnn-$layout"
done

# Half precision: the f16 file and its f16 ONNX export compute what `rgp predict` does.
$rgp export --weights "$dir/mlp-packed.safetensors" --format safetensors --layout packed --dtype f16 \
  --out "$dir/mlp-f16.safetensors" >/dev/null
$rgp export --weights "$dir/mlp-f16.safetensors" --format onnx --layout packed --dtype f16 \
  --out "$dir/mlp-f16.onnx" >/dev/null
$rgp predict --weights "$dir/mlp-f16.safetensors" --input "$dir/x.npy" --out "$dir/mlp-f16.y.npy" >/dev/null
"$PY" python/check_roundtrip.py --x "$dir/x.npy" --y "$dir/mlp-f16.y.npy" \
  "$dir/mlp-f16.safetensors" "$dir/mlp-f16.onnx"

# Bad input: one line on stderr, exit 2.
expect_error() { # pattern, command...
  local pattern=$1
  shift
  set +e
  "$@" >/dev/null 2>"$dir/err"
  local rc=$?
  set -e
  if [ "$rc" -ne 2 ] || [ "$(wc -l <"$dir/err")" -ne 1 ] || ! grep -q "$pattern" "$dir/err"; then
    echo "FAIL: '$*' exited $rc with: $(cat "$dir/err")"
    exit 1
  fi
}
head -c 100 "$dir/mlp-dense.safetensors" >"$dir/cut.safetensors"
expect_error "safetensors" $rgp export --weights "$dir/cut.safetensors" --format onnx --out "$dir/o.onnx"
expect_error "cannot read" $rgp export --weights "$dir/none.safetensors" --format onnx --out "$dir/o.onnx"
expect_error "invalid value" $rgp export --weights "$dir/mlp-dense.safetensors" --format tflite --out "$dir/o"
# Imported networks (issue: your own network): classic model-zoo CNNs no one here wrote read with
# their parameter counts equal to what ONNX Runtime holds once it has folded their constants.
for m in vgg19 resnet50 squeezenet1.1; do
  f=data/zoo/$m.onnx
  [ -f "$f" ] || { echo "FAIL: $f is missing (scripts/fetch-zoo-models.sh)"; exit 1; }
  ours=$($rgp inspect "$f" --nodes 64 --degree 4 --search none | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["params"])')
  ort=$("$PY" python/zoo_params.py "$f" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["ort"]["folded_initializer_params"])')
  if [ "$ours" != "$ort" ]; then
    echo "FAIL: $m: rgp inspect counts $ours parameters, ONNX Runtime holds $ort"
    exit 1
  fi
  echo "  $m: $ours parameters (rgp inspect = ONNX Runtime)"
done
expect_error "unsupported node" $rgp inspect data/zoo/alexnet.onnx --nodes 64 --degree 4 --search none
# ... and export pruned: packed, SqueezeNet 1.1 and ResNet-50 compute in ONNX Runtime what their dense
# exports do (their weights are constant fills: the graphs run, the values say nothing of accuracy).
for m in squeezenet1.1 resnet50; do
  for l in dense packed; do
    $rgp export --weights "data/zoo/$m.onnx" --format onnx --nodes 64 --degree 4 --search none --layout "$l" \
      --out "$dir/$m.$l.onnx" >/dev/null
  done
  "$PY" python/check_onnx_export.py --dense "$dir/$m.dense.onnx" --packed "$dir/$m.packed.onnx" --batch 1
done
# Imported networks run: `rgp predict` on the importer's test networks (python/onnx_models.py), dense
# and pruned by a graph, equals ONNX Runtime on the file (pruned: its masked weights zeroed).
"$PY" python/check_onnx_predict.py "$rgp" "$dir"
expect_error "the network reads 1×8×8" $rgp predict --weights "$dir/cnn.onnx" --input "$dir/x.npy" --out "$dir/o.npy"
# ... and fine-tune: the CNN, pruned by a graph, trains on digits well above its pruned accuracy.
# Saved as ONNX, dense and packed: the two files compute the same outputs in ONNX Runtime, which
# `rgp predict` computes on the dense one, and the packed one holds fewer weights.
for layout in dense packed; do
  $rgp train --init-from "$dir/cnn.onnx" --dataset digits --nodes 8 --degree 2 --search none --epochs 3 \
    --save "$dir/ft.$layout.onnx" --layout $layout --quiet >"$dir/ft.$layout.json"
done
# Saved as a safetensors model file, the architecture kept in it: `rgp predict` and `rgp export`
# (packed ONNX) read it and compute what the ONNX files compute.
$rgp train --init-from "$dir/cnn.onnx" --dataset digits --nodes 8 --degree 2 --search none --epochs 3 \
  --save "$dir/ft.safetensors" --quiet >"$dir/ft.safetensors.json"
"$PY" -c 'import numpy as np, sys; np.save(sys.argv[1], np.random.default_rng(1).standard_normal((16, 1, 8, 8)).astype(np.float32))' "$dir/ftx.npy"
$rgp predict --weights "$dir/ft.dense.onnx" --input "$dir/ftx.npy" --out "$dir/fty.npy"
$rgp predict --weights "$dir/ft.safetensors" --input "$dir/ftx.npy" --out "$dir/fty-st.npy"
$rgp export --weights "$dir/ft.safetensors" --format onnx --layout packed --out "$dir/ft-st.packed.onnx" >/dev/null
"$PY" - "$dir" <<'EOF'
import json, os, sys
import numpy as np
import onnx
import onnxruntime as ort
d = sys.argv[1]
runs = [json.load(open(os.path.join(d, f"ft.{l}.json"))) for l in ("dense", "packed")]
x = np.load(os.path.join(d, "ftx.npy"))
out = {l: ort.InferenceSession(os.path.join(d, f"ft.{l}.onnx")).run(None, {"x": x})[0] for l in ("dense", "packed")}
rgp_y = np.load(os.path.join(d, "fty.npy"))
meta = {p.key: p.value for p in onnx.load(os.path.join(d, "ft.packed.onnx")).metadata_props}
size = {l: os.path.getsize(os.path.join(d, f"ft.{l}.onnx")) for l in ("dense", "packed")}
r = runs[0]
st = json.load(open(os.path.join(d, "ft.safetensors.json")))
st_y = np.load(os.path.join(d, "fty-st.npy"))
st_packed = ort.InferenceSession(os.path.join(d, "ft-st.packed.onnx")).run(None, {"x": x})[0]
st_meta = {p.key: p.value for p in onnx.load(os.path.join(d, "ft-st.packed.onnx")).metadata_props}
st_ok = (st["test_accuracy"] == r["test_accuracy"] and np.abs(st_y - out["dense"]).max() < 1e-4
         and np.abs(st_packed - out["dense"]).max() < 1e-4 and st_meta.get("nodes") == "8"
         and st_meta.get("layout") == "packed" and st_meta.get("dataset") == "digits")
print(f"  saved as safetensors ({os.path.getsize(os.path.join(d, 'ft.safetensors'))} B): rgp predict - ORT dense "
      f"{np.abs(st_y - out['dense']).max():.1e}, its packed export - ORT dense {np.abs(st_packed - out['dense']).max():.1e}")
ok = st_ok and (r["test_accuracy"] > r["pruned_accuracy"] + 0.2 and r["params_pruned"] < r["params_dense"]
      and r["pruned_weights_max_abs"] == 0 and runs[0]["test_accuracy"] == runs[1]["test_accuracy"]
      and np.abs(out["dense"] - out["packed"]).max() < 1e-4 and np.abs(rgp_y - out["dense"]).max() < 1e-4
      and size["packed"] < size["dense"] and meta.get("layout") == "packed" and meta.get("nodes") == "8"
      and "input_std" in meta)
print(f"  cnn.onnx fine-tuned: pruned {r['pruned_accuracy']:.3f} -> {r['test_accuracy']:.3f}; saved as ONNX: "
      f"dense {size['dense']} B, packed {size['packed']} B, max |dense - packed| "
      f"{np.abs(out['dense'] - out['packed']).max():.1e}, |rgp - ORT| {np.abs(rgp_y - out['dense']).max():.1e}")
sys.exit(0 if ok else f"FAIL: fine-tuning and saving cnn.onnx: {runs}, {meta}")
EOF
expect_error "saved as ONNX or as a safetensors model file" $rgp train --init-from "$dir/cnn.onnx" \
  --dataset digits --nodes 8 --degree 2 --search none --epochs 1 --save "$dir/ft.bin" --quiet
expect_error "a saved imported network is dense f32" $rgp train --init-from "$dir/cnn.onnx" \
  --dataset digits --nodes 8 --degree 2 --search none --epochs 1 --save "$dir/ft2.safetensors" --layout packed --quiet
expect_error "is saved in f32" $rgp train --init-from "$dir/cnn.onnx" \
  --dataset digits --nodes 8 --degree 2 --search none --epochs 1 --save "$dir/ft2.onnx" --dtype f16 --quiet
expect_error "holds a network imported from ONNX" $rgp train --init-from "$dir/ft.safetensors" \
  --dataset digits --nodes 8 --degree 2 --search none --epochs 1 --quiet
# Pruned by magnitude instead of the graph: as many weights kept in every masked layer as the graph
# keeps there, single weights rather than its blocks, so saved dense (zeros kept), never packed.
$rgp train --init-from "$dir/cnn.onnx" --dataset digits --nodes 8 --degree 2 --search none --epochs 3 \
  --prune magnitude --save "$dir/mag.onnx" --quiet >"$dir/mag.json"
"$PY" - "$dir" <<'EOF'
import json, sys
import onnx
from onnx import numpy_helper
d = sys.argv[1]
mag, graph = json.load(open(f"{d}/mag.json")), json.load(open(f"{d}/ft.dense.json"))
def weights(f):
    return {t.name: numpy_helper.to_array(t) for t in onnx.load(f).graph.initializer if len(t.dims) >= 2}
wm, wg = weights(f"{d}/mag.onnx"), weights(f"{d}/ft.dense.onnx")
same_counts = wm.keys() == wg.keys() and all((wm[k] == 0).sum() == (wg[k] == 0).sum() for k in wm)
other_positions = any(((wm[k] == 0) != (wg[k] == 0)).any() for k in wm)
print(f"  cnn.onnx pruned by magnitude: pruned {mag['pruned_accuracy']:.3f} -> {mag['test_accuracy']:.3f} "
      f"(by the graph: {graph['pruned_accuracy']:.3f} -> {graph['test_accuracy']:.3f})")
ok = (same_counts and other_positions and mag["pruned_weights_max_abs"] == 0
      and mag["test_accuracy"] > mag["pruned_accuracy"])
sys.exit(0 if ok else f"FAIL: cnn.onnx pruned by magnitude: {mag}")
EOF
expect_error "a network pruned by magnitude keeps single weights" $rgp train --init-from "$dir/cnn.onnx" \
  --dataset digits --nodes 8 --degree 2 --search none --epochs 1 --prune magnitude --save "$dir/mag2.onnx" --layout packed --quiet
# `rgp inspect` of our model files: the saved imported network tables as the ONNX file it came from
# under the same graph; every file's parameter count is what numpy finds in it (masks and the graph
# aside), the weights a built-in network's masked layers keep what its masks keep.
$rgp inspect "$dir/cnn.onnx" --nodes 8 --degree 2 --search none >"$dir/cnn.table.json"
for f in ft mlp-dense mlp-packed cnn-dense cnn-packed; do
  $rgp inspect "$dir/$f.safetensors" >"$dir/$f.table.json"
done
"$PY" - "$dir" <<'EOF'
import json, os, sys
import numpy as np
from safetensors import safe_open
from safetensors.numpy import load_file
d = sys.argv[1]
t = lambda f: json.load(open(os.path.join(d, f + ".table.json")))
onnx, saved = t("cnn"), t("ft")
geo = lambda tab: [(r["name"], r["op"], r["in_ch"], r["out_ch"], r["masked"]) for r in tab["layers"]]
count = lambda tab: {k: tab["accounting"][k] for k in ("params_dense", "params_pruned", "flops_dense", "flops_pruned")}
fails = []
if (saved["params"], geo(saved), count(saved)) != (onnx["params"], geo(onnx), count(onnx)):
    fails.append(f"ft.safetensors tables otherwise than cnn.onnx: {saved} vs {onnx}")
for f in ("ft", "mlp-dense", "mlp-packed", "cnn-dense", "cnn-packed"):
    # A packed file stores kept weights only; its dense twin (same run) holds them all, masks beside.
    tensors = load_file(os.path.join(d, f.replace("packed", "dense") + ".safetensors"))
    masks = {k: v for k, v in tensors.items() if k.endswith(".mask")}
    params = sum(v.size for k, v in tensors.items() if not k.endswith(".mask") and not k.startswith("graph."))
    tab = t(f)
    with safe_open(os.path.join(d, f + ".safetensors"), framework="numpy") as g:
        if tab["format"] != g.metadata()["format"]:
            fails.append(f"{f}: rgp inspect says format {tab['format']}, the file {g.metadata()['format']}")
    masked_kept = tab["kept_weights"] - sum(int(np.prod(r["weight_shape"])) for r in tab["layers"] if not r["masked"])
    # The saved imported network stores no masks (its pruned weights as zeros): its kept
    # weights are checked above, as the accounting of cnn.onnx under the same graph.
    kept = sum(int((m != 0).sum()) for m in masks.values())
    if tab["params"] != params or (f != "ft" and masked_kept != kept):
        fails.append(f"{f}: rgp inspect counts {tab['params']} parameters, {masked_kept} kept in masked layers; numpy {params}, {kept}")
    print(f"  rgp inspect {f}.safetensors: {tab['params']} parameters, {tab['kept_weights']} weights kept"
          f" ({sum(r['masked'] for r in tab['layers'])} of {len(tab['layers'])} layers masked)")
sys.exit("FAIL: " + "; ".join(fails) if fails else 0)
EOF
expect_error "a model file holds its own masks" $rgp inspect "$dir/mlp-dense.safetensors" --keep-dense layers.1
expect_error "not a safetensors file" $rgp inspect "$dir/cut.safetensors"
# ... and sweep: every run of a sweep starts from the file, pruned by its graph or, for the magnitude
# baseline, by magnitude at the graph's per-layer kept counts.
$rgp sweep --quiet --init-from "$dir/cnn.onnx" --dataset digits --nodes 8 --degree 2 --graphs 2 --seeds 1 \
  --iters 500 --epochs 1 --out "$dir/sweep" >/dev/null
"$PY" - "$dir/sweep/results.csv" <<'EOF'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
kinds = sorted({r["kind"] for r in rows})
ok = kinds == ["dense", "graph", "magnitude", "random-regular"] and all(float(r["test_accuracy"]) > 0.15 for r in rows)
print(f"  sweep from cnn.onnx: {len(rows)} runs ({', '.join(kinds)}), accuracy "
      f"{min(float(r['test_accuracy']) for r in rows):.3f}-{max(float(r['test_accuracy']) for r in rows):.3f}")
sys.exit(0 if ok else f"FAIL: a sweep from cnn.onnx: {rows}")
EOF
expect_error "the model expects 3×32×32 inputs and 10 classes; digits has 1×8×8" \
  $rgp train --init-from "$dir/vgg.onnx" --dataset digits --nodes 8 --degree 2 --search none --quiet

# Imported networks exported pruned (rgp export --weights NET.onnx): ONNX Runtime on the original, the
# unpruned export (the lowering and the writer: same outputs), and the dense and packed exports
# pruned by a 4-regular graph on 16 nodes (equal to each other, different from the original). The
# networks are the files check_onnx_predict.py wrote above.
for m in mlp cnn residual concat pooled; do
  f=$dir/$m.onnx
  $rgp export --weights "$f" --format onnx --no-mask --out "$dir/$m.plain.onnx" >/dev/null
  for l in dense packed; do
    $rgp export --weights "$f" --format onnx --nodes 16 --degree 4 --search none --layout "$l" \
      --out "$dir/$m.$l.onnx" >/dev/null
  done
  "$PY" python/check_onnx_export.py --original "$f" --unpruned "$dir/$m.plain.onnx" \
    --dense "$dir/$m.dense.onnx" --packed "$dir/$m.packed.onnx"
done
expect_error "no weight layer is named 'nope'" $rgp export --weights "$dir/cnn.onnx" --format onnx \
  --nodes 16 --degree 4 --search none --keep-dense nope --out "$dir/o.onnx"
expect_error "keep-dense" $rgp export --weights "$dir/mlp-dense.safetensors" --format onnx \
  --keep-dense x --out "$dir/o.onnx"

echo "model interop: 4 models x (numpy, ONNX dense, ONNX packed) + f16 agree with rgp predict; 3 zoo CNNs' parameters; the importer's test networks run as ONNX Runtime runs them, one fine-tunes, is saved as ONNX and as safetensors and sweeps; rgp inspect of 5 model files; 5 imported networks exported unpruned, dense and packed; 4 dense exports of ours imported back"
