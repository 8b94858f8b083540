#!/bin/bash
# A/B of the microcircuit on 1 and 2 threads, main (/work/wt/engbase) vs this branch,
# alternating. usage: pd_threads_ab.sh out.jsonl scale reps [base new new1024 ...]
out=$1; scale=$2; reps=$3; shift 3; sides=${@:-base new}
for r in $(seq $reps); do for side in $sides; do
  dir=/work/wt/engspeed; [ $side = base ] && dir=/work/wt/engbase
  extra=""; case $side in new512) extra="-DEQSIM_PAR_EVENTS=512";; new1024) extra="-DEQSIM_PAR_EVENTS=1024";; esac
  (cd $dir && EQSIM_EXTRA_CFLAGS="$extra" PYTHONPATH=$dir python benchmarks/potjans_diesmann_speed.py --scale $scale --duration 1 --runs eqsim1 eqsim2 --passive --out /tmp/pd_threads_ab_tmp.json >/dev/null 2>&1)
  python -c "
import json; rs=json.load(open('/tmp/pd_threads_ab_tmp.json'))
for x in rs: print(json.dumps({'side':'$side','r':$r,'scale':$scale,'threads':x['threads'],'wall_run_s':round(x['wall_run_s'],3),'cpu_run_s':round(x['cpu_run_s'],3),'load':[round(l,2) for l in x['load_average']],'spikes':sum(p['spikes'] for p in x['populations'].values())}))" >> $out
done; done
echo finished >> $out
