"""Population statistics of the zoo's networks: rate, irregularity, synchrony.

Plain numpy on (times, neuron indices), with no other eqsim import, so that the reference
scripts in benchmarks/reference/ (which run in NEST's or Brian2's virtualenv) load this
file by path and compute the same numbers from the other simulator's spikes.

The definitions follow Potjans & Diesmann (2014, Fig. 6): irregularity is the mean over
neurons of the coefficient of variation of their inter-spike intervals (neurons with at
least ``min_spikes`` spikes in the window); synchrony is the variance of the population's
spike-count histogram (``bin_s`` = 3 ms bins) divided by its mean.
"""
from __future__ import annotations

import numpy as np


def population_stats(times_s, indices, n: int, t_start: float, t_stop: float,
                     bin_s: float = 3e-3, min_spikes: int = 3) -> dict:
    """``{"rate_hz", "cv_isi", "synchrony", "spikes", "n"}`` of one population whose
    neurons are numbered 0..n-1, from the spikes in ``[t_start, t_stop)`` (seconds)."""
    t = np.asarray(times_s, dtype=float)
    i = np.asarray(indices, dtype=np.int64)
    keep = (t >= t_start) & (t < t_stop)
    t, i = t[keep], i[keep]
    duration = t_stop - t_start
    order = np.lexsort((t, i))
    t, i = t[order], i[order]
    isi = np.diff(t)
    same = i[1:] == i[:-1]
    isi, owner = isi[same], i[1:][same]
    counts = np.bincount(owner, minlength=n).astype(float)
    enough = counts >= max(1, min_spikes - 1)
    if np.any(enough):
        s1 = np.bincount(owner, isi, minlength=n)
        s2 = np.bincount(owner, isi * isi, minlength=n)
        mean = s1[enough] / counts[enough]
        var = np.maximum(s2[enough] / counts[enough] - mean ** 2, 0.0)
        cv = float(np.mean(np.sqrt(var) / mean))
    else:
        cv = float("nan")
    n_bins = max(1, int(round(duration / bin_s)))
    hist = np.bincount(np.minimum(((t - t_start) / bin_s).astype(np.int64), n_bins - 1),
                       minlength=n_bins).astype(float)
    mean_count = hist.mean()
    synchrony = float(hist.var() / mean_count) if mean_count > 0 else float("nan")
    return {"rate_hz": float(len(t) / n / duration), "cv_isi": cv,
            "synchrony": synchrony, "spikes": int(len(t)), "n": int(n)}
