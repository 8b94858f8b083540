#!/bin/bash
# A/B of the standard networks: another eqsim checkout (A, e.g. main) against this one
# (B), interleaved, one process per run, warm caches; one JSON line per run, with the
# loop's CPU time (cpu_run_s, eqsim_networks.py --cpu-time; both use this checkout's
# benchmark script and examples).
#   bash benchmarks/ab_networks.sh /work/main "cobahh cuba coba brunel adex" 5 > ab.jsonl
# Extra arguments after the repeat count go to eqsim_networks.py of B only
# (e.g. --fast-math, as a third configuration "B+opts").
A=$1; MODELS=${2:-"cobahh cuba coba brunel adex"}; REPEATS=${3:-5}; shift 3; OPTS="$*"
B=$(cd "$(dirname "$0")/.." && pwd)
CA=$(mktemp -d /tmp/ab-cache-a.XXXX); CB=$(mktemp -d /tmp/ab-cache-b.XXXX)
run() {  # label root cache [options]
  local label=$1 root=$2 cache=$3; shift 3
  PYTHONPATH=$root EQSIM_CACHE_DIR=$cache python "$B/benchmarks/eqsim_networks.py" \
      --examples-dir "$B/examples" --tag "$label" --cpu-time "$@" 2>/dev/null | tail -1
}
for m in $MODELS; do   # fill the caches (untimed)
  run warm "$A" "$CA" --model $m --duration 0.01 > /dev/null
  run warm "$B" "$CB" --model $m --duration 0.01 > /dev/null
  [ -n "$OPTS" ] && run warm "$B" "$CB" --model $m --duration 0.01 $OPTS > /dev/null
done
for r in $(seq "$REPEATS"); do
  for m in $MODELS; do
    run A "$A" "$CA" --model $m
    run B "$B" "$CB" --model $m
    [ -n "$OPTS" ] && run "B+opts" "$B" "$CB" --model $m $OPTS
  done
done
rm -rf "$CA" "$CB"
