#!/bin/bash
# A/B of the engspeed branch (docs/benchmarks.md, "Two gaps in the generated loop"):
# base = a worktree at main's commit (git worktree add --detach /work/wt/engbase main),
# new = this branch. Alternating, 3 rounds: the standard networks' run CPU
# (eqsim_networks.py --cpu-time) and spike digests. Writes /tmp/ab_loop_gaps.jsonl.
base=${BASE:-/work/wt/engbase}; new=${NEW:-/work/wt/engspeed}
out=/tmp/ab_loop_gaps.jsonl; : > $out
for model in cuba coba adex cobahh brunel; do
  for r in 1 2 3; do
    for side in base new; do
      dir=$base; [ $side = new ] && dir=$new
      line=$(cd $dir && PYTHONPATH=$dir python benchmarks/eqsim_networks.py --model $model --duration 1 --cpu-time 2>/dev/null | tail -1)
      echo "{\"side\": \"$side\", \"model\": \"$model\", \"r\": $r, \"load\": \"$(cut -d' ' -f1-3 /proc/loadavg)\", \"res\": $line}" >> $out
    done
  done
done
for model in cuba coba cobahh brunel adex pd0.1; do
  for side in base new; do
    dir=$base; [ $side = new ] && dir=$new
    # (the digest script of this branch, run against each tree)
    line=$(cd $dir && PYTHONPATH=$dir python $new/benchmarks/loop_gaps.py digest $model 2>/dev/null | tail -1)
    echo "{\"side\": \"$side\", \"digest\": $line}" >> $out
  done
done
echo finished >> $out
