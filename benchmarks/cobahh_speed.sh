#!/bin/bash
# COBAHH (4,000 neurons, 1 s) on one thread, interleaved, one process per run:
#   A       eqsim at another checkout (e.g. main: before this work)
#   B       eqsim here, default build (bitwise equal to the numpy backend)
#   B+fast  eqsim here, Network(fast_math=True)
#   brian2  Brian2 2.9 cpp_standalone: the binary of shared/models/brian2/cobahh.py,
#           built once (below), rerun; its own run time (results/last_run_info.txt)
#           and the binary's CPU time (user + sys, set-up included)
# eqsim runs with --cpu-time: cpu_run_s is the loop's CPU time (steadier than wall
# time when other work shares the cores).
#   bash benchmarks/cobahh_speed.sh /work/main 5 > cobahh_speed.jsonl
A=$1; REPEATS=${2:-5}
B=$(cd "$(dirname "$0")/.." && pwd)
B2PY=${BRIAN2_PYTHON:-/root/.venvs/eqsim-brian2/bin/python}
B2DIR=$(mktemp -d /tmp/cobahh-b2.XXXX)
"$B2PY" "$B/../../shared/models/brian2/cobahh.py" --N 4000 --duration 1.0 --seed 4242 \
    --conn p --target cpp_standalone --build-dir "$B2DIR/build" > /dev/null 2>&1 ||
"$B2PY" /work/shared/models/brian2/cobahh.py --N 4000 --duration 1.0 --seed 4242 \
    --conn p --target cpp_standalone --build-dir "$B2DIR/build" > /dev/null 2>&1
CA=$(mktemp -d /tmp/ab-cache-a.XXXX); CB=$(mktemp -d /tmp/ab-cache-b.XXXX)
run() {  # label root cache [options]
  local label=$1 root=$2 cache=$3; shift 3
  PYTHONPATH=$root EQSIM_CACHE_DIR=$cache python "$B/benchmarks/eqsim_networks.py" \
      --examples-dir "$B/examples" --model cobahh --tag "$label" --cpu-time "$@" \
      2>/dev/null | tail -1
}
run warm "$A" "$CA" --duration 0.01 > /dev/null
run warm "$B" "$CB" --duration 0.01 > /dev/null
run warm "$B" "$CB" --duration 0.01 --fast-math > /dev/null
for r in $(seq "$REPEATS"); do
  run A "$A" "$CA"
  run B "$B" "$CB"
  run B+fast "$B" "$CB" --fast-math
  (cd "$B2DIR/build" && /usr/bin/time -f "%U %S" -o cpu.txt ./main > /dev/null &&
   echo "{\"model\": \"COBAHH\", \"tag\": \"brian2\", \"wall_run_s\": $(cut -d' ' -f1 \
   results/last_run_info.txt), \"cpu_run_s\": $(awk '{print $1 + $2}' cpu.txt), \"spikes\": 0}")
done
rm -rf "$CA" "$CB" "$B2DIR"
