#!/bin/bash
out=/tmp/bench_ab2.jsonl; : > $out
for model in cuba coba adex cobahh brunel; do
  n=3
  for r in $(seq $n); do
    for side in before after; do
      dir=/work/wt/base; [ $side = after ] && dir=/work/main
      line=$(cd $dir && PYTHONPATH=$dir python benchmarks/eqsim_networks.py --model $model --duration 1 2>/dev/null | tail -1)
      echo "{\"side\": \"$side\", \"model\": \"$model\", \"r\": $r, \"res\": $line}" >> $out
    done
  done
done
echo finished >> $out
