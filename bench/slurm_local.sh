#!/usr/bin/env bash
# Runs a small digits sweep as a Slurm job array on a one-node Slurm cluster started here, and
# checks that the merged shards equal the single-process sweep (results without timings, and
# summary.json byte for byte). Needs root (it installs Debian's slurm-wlm and munge when
# missing, and starts munged, slurmctld and slurmd); stops every daemon it started on exit.
#
#   bench/slurm_local.sh [SHARDS]        (default 2; uses target/release/rgp)
set -euo pipefail
cd "$(dirname "$0")/.."
shards=${1:-2}
rgp=$PWD/target/release/rgp
[[ -x $rgp ]] || { echo "build first: cargo build --release" >&2; exit 1; }
if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
  apt-get install -y --no-install-recommends slurm-wlm munge >/dev/null
fi
work=$(mktemp -d /tmp/rgp-slurm.XXXXXX)
chmod 755 "$work"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT
host=$(hostname -s)
echo "== $(date -u +%FT%TZ) on $host, $(nproc) cores; $(slurmctld -V); munge $(munged -V 2>&1 | head -1)"

# munge: a fresh key, its own socket and state under $work.
mkdir -p "$work/munge"/{etc,run,log,lib}
dd if=/dev/urandom of="$work/munge/etc/munge.key" bs=1024 count=1 status=none
chmod 700 "$work/munge"/*; chmod 400 "$work/munge/etc/munge.key"
sock=$work/munge/run/munge.socket
munged --force -S "$sock" --key-file "$work/munge/etc/munge.key" \
  --log-file "$work/munge/log/munged.log" --pid-file "$work/munge/run/munged.pid" \
  --seed-file "$work/munge/lib/munge.seed"
pids+=("$(cat "$work/munge/run/munged.pid")")

mkdir -p "$work"/{state,spool,log}
mem=$(( $(awk '/MemTotal/{print $2}' /proc/meminfo) / 1024 / 2 ))
cat > "$work/slurm.conf" <<CONF
ClusterName=rgplocal
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$sock
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
MpiDefault=none
ReturnToService=2
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/log/slurmctld.log
SlurmdLogFile=$work/log/slurmd.log
SlurmctldPort=6817
SlurmdPort=6818
NodeName=$host CPUs=$(nproc) RealMemory=$mem State=UNKNOWN
PartitionName=local Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$work/slurm.conf
slurmctld -D -f "$SLURM_CONF" >"$work/log/slurmctld.out" 2>&1 & pids+=($!)
sleep 2
slurmd -D -f "$SLURM_CONF" >"$work/log/slurmd.out" 2>&1 & pids+=($!)
for _ in $(seq 30); do
  sinfo -h -o %T 2>/dev/null | grep -qE '^(idle|mixed)' && break
  sleep 1
done
sinfo
sinfo -h -o %T | grep -qE '^(idle|mixed)' || {
  echo "the node did not come up:"; tail -5 "$work/log/slurmctld.log" "$work/log/slurmd.log" "$work"/log/*.out; exit 1; }

sweep=(--dataset digits --nodes 16 --degree 4 --graphs 3 --iters 20000 --seeds 3
  --hidden 64,64 --epochs 2 --batch 64 --baselines dense,random-regular --quiet)
"$rgp" sweep plan --out "$work/sharded" "${sweep[@]}"
# The deploy script as it is, without its GPU request and sized for this machine.
sed '/--gres/d' deploy/sweep-array.sbatch > "$work/sweep-array.sbatch"
start=$(date +%s)
RGP=$rgp sbatch --wait --array=0-$((shards - 1)) --cpus-per-task=1 --mem=1G \
  --output="$work/log/task-%a.out" --chdir="$work" \
  "$work/sweep-array.sbatch" "$work/sharded" "$shards"
echo "array of $shards tasks finished in $(( $(date +%s) - start )) s"
sacct >/dev/null 2>&1 || true
for f in "$work"/log/task-*.out; do echo "-- $(basename "$f")"; cat "$f"; done
ls -l "$work/sharded/shards"
"$rgp" sweep merge --dir "$work/sharded" >/dev/null

start=$(date +%s)
"$rgp" sweep --out "$work/one" "${sweep[@]}" >/dev/null
echo "single process finished in $(( $(date +%s) - start )) s"
strip() { sed 's/,[^,]*$//' "$1/results.csv"; }
if diff <(strip "$work/sharded") <(strip "$work/one") >/dev/null \
  && cmp -s "$work/sharded/summary.json" "$work/one/summary.json"; then
  echo "OK: $(($(wc -l < "$work/one/results.csv") - 1)) runs; merged shards = single process (results without timings, summary.json byte for byte)"
else
  echo "MISMATCH between merged shards and the single process"; diff <(strip "$work/sharded") <(strip "$work/one") | head; exit 1
fi
