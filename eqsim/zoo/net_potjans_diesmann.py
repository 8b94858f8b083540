"""The Potjans & Diesmann (2014) cortical microcircuit.

Eight populations (L2/3, L4, L5, L6; excitatory and inhibitory) of NEST's
``iaf_psc_exp`` neurons, 77,169 neurons and about 3*10^8 synapses at scale 1.
Connection probabilities, in-degrees, weights, delays, background and the initial
membrane potentials are those of the paper (Table 5) as NEST's reference example
(pynest/examples/Potjans_2014, last version: NEST commit 09c1a3ccf^) sets them:

* fixed total number of synapses per projection, sources and targets drawn uniformly
  with repetition; the number is K = log(1 - p) / log(1 - 1/(N_pre*N_post)) (the count
  that gives pairwise connection probability p with multapses);
* weights: normal, mean from the PSP amplitude (0.15 mV, inhibitory g = -4 times that,
  L4E -> L2/3E doubled) converted to a current amplitude, 10 % relative s.d., redrawn
  when the sign flips (NEST's ``nest.math.redraw``);
* delays: normal, 1.5 ms (excitatory) and 0.75 ms (inhibitory), 50 % relative s.d.,
  redrawn below dt/2 and rounded to whole steps (at least one);
* background: each neuron receives K_ext independent Poisson trains at 8 Hz, or (``dc``)
  the equivalent mean current;
* below scale 1, in-degrees are scaled by ``k_scale`` (default: ``scale``) and the
  weights by 1/sqrt(k_scale), with a DC current that restores the mean input at the
  full-scale rates (NEST's compensation).
"""
from __future__ import annotations

import math

import numpy as np

POPULATIONS = ("L23E", "L23I", "L4E", "L4I", "L5E", "L5I", "L6E", "L6I")
N_FULL = np.array([20683, 5834, 21915, 5479, 4850, 1065, 14395, 2948])
#: connection probabilities, row = target, column = source
CONN_PROBS = np.array([
    [0.1009, 0.1689, 0.0437, 0.0818, 0.0323, 0.0, 0.0076, 0.0],
    [0.1346, 0.1371, 0.0316, 0.0515, 0.0755, 0.0, 0.0042, 0.0],
    [0.0077, 0.0059, 0.0497, 0.135, 0.0067, 0.0003, 0.0453, 0.0],
    [0.0691, 0.0029, 0.0794, 0.1597, 0.0033, 0.0, 0.1057, 0.0],
    [0.1004, 0.0622, 0.0505, 0.0057, 0.0831, 0.3726, 0.0204, 0.0],
    [0.0548, 0.0269, 0.0257, 0.0022, 0.06, 0.3158, 0.0086, 0.0],
    [0.0156, 0.0066, 0.0211, 0.0166, 0.0572, 0.0197, 0.0396, 0.2252],
    [0.0364, 0.001, 0.0034, 0.0005, 0.0277, 0.008, 0.0658, 0.1443]])
K_EXT = np.array([1600, 1500, 2100, 1900, 2000, 1900, 2900, 2100])
#: rates (Hz) of the full-scale network in NEST's example: used by the DC compensation
#: of scaled in-degrees (and what a full-scale run should give)
FULL_MEAN_RATES = np.array([0.903, 2.965, 4.414, 5.876, 7.569, 8.633, 1.105, 7.829])
V0_MEAN = np.array([-68.28, -63.16, -63.33, -63.45, -63.11, -61.66, -66.72, -61.43])
V0_STD = np.array([5.36, 4.57, 4.74, 4.94, 4.94, 4.55, 5.46, 4.48])
NEURON = dict(E_L=-65.0, V_th=-50.0, V_reset=-65.0, C_m=250.0, tau_m=10.0,
              tau_syn_ex=0.5, tau_syn_in=0.5, t_ref=2.0)   # NEST units (mV, pF, ms)
PSP_EXC = 0.15          # mV
G_REL = -4.0
WEIGHT_REL_STD = 0.1
DELAY_EXC, DELAY_INH, DELAY_REL_STD = 1.5, 0.75, 0.5   # ms
BG_RATE = 8.0           # Hz per external input


def psc_over_psp(C_m: float, tau_m: float, tau_syn: float) -> float:
    """pA of current amplitude per mV of PSP peak (exponential current into a leaky
    membrane; the peak time from the derivative of the PSP)."""
    sub = 1.0 / (tau_syn - tau_m)
    pre = tau_m * tau_syn / C_m * sub
    frac = (tau_m / tau_syn) ** sub
    return 1.0 / (pre * (frac ** tau_m - frac ** tau_syn))


def full_synapse_numbers() -> np.ndarray:
    """Synapses per projection at scale 1 (row = target, column = source)."""
    prod = np.outer(N_FULL, N_FULL).astype(float)
    return np.log(1.0 - CONN_PROBS) / np.log((prod - 1.0) / prod)


def derived(scale: float = 1.0, k_scale: float | None = None,
            background: str = "poisson") -> dict:
    """Everything the network needs at this scale: neurons and synapses per population
    and projection, mean weights (pA), external in-degrees and weight, DC (pA)."""
    k = scale if k_scale is None else k_scale
    full = full_synapse_numbers()
    n = np.round(N_FULL * scale).astype(int)
    n_syn = np.round(full * scale * k).astype(np.int64)
    k_ext = np.round(K_EXT * k).astype(int)
    factor = psc_over_psp(NEURON["C_m"], NEURON["tau_m"], NEURON["tau_syn_ex"])
    psp = np.zeros((8, 8))
    psp[:, 0::2], psp[:, 1::2] = PSP_EXC, PSP_EXC * G_REL
    psp[0, 2] = 2 * PSP_EXC
    w = psp * factor
    w_ext = PSP_EXC * factor
    tau = NEURON["tau_syn_ex"]
    dc = (np.zeros(8) if background == "poisson" else
          BG_RATE * K_EXT * w_ext * tau * 1e-3)
    if k != 1:
        indegree = full / N_FULL[:, None]
        input_rec = np.sum(w * indegree * FULL_MEAN_RATES, axis=1)
        dc = dc + 1e-3 * tau * (1 - np.sqrt(k)) * input_rec
        if background == "poisson":
            dc = dc + 1e-3 * tau * (1 - np.sqrt(k)) * w_ext * K_EXT * BG_RATE
        w, w_ext = w / np.sqrt(k), w_ext / np.sqrt(k)
    delay = np.zeros((8, 8))
    delay[:, 0::2], delay[:, 1::2] = DELAY_EXC, DELAY_INH
    return {"n": n, "n_syn": n_syn, "k_ext": k_ext, "w": w, "w_ext": w_ext, "dc": dc,
            "delay": delay}


def redrawn_normal(rng: np.random.Generator, out: np.ndarray, mean: float, std: float,
                   low: float, high: float) -> np.ndarray:
    """Fill ``out`` (float32 or float64) with normal values, those outside [low, high]
    drawn again (NEST's redraw), in place: no temporaries of the array's size."""
    rng.standard_normal(dtype=out.dtype, out=out)
    out *= std
    out += mean
    bad = np.flatnonzero((out < low) | (out > high))
    while bad.size:
        out[bad] = rng.normal(mean, std, bad.size)
        bad = bad[(out[bad] < low) | (out[bad] > high)]
    return out


def delay_step_probabilities(mean: float, std: float, dt: float
                             ) -> tuple[np.ndarray, np.ndarray]:
    """(k, P(k)): the distribution of the delay in whole steps k >= 1 when the delay is
    normal(mean, std) redrawn below dt/2 and rounded to the nearest step, as NEST does
    (all in ms)."""
    k = np.arange(1, int(np.ceil((mean + 12 * std) / dt)) + 2)
    erf = np.frompyfunc(math.erf, 1, 1)
    cdf = 0.5 * (1 + erf(((np.append(k - 0.5, k[-1] + 0.5) * dt) - mean)
                         / (std * math.sqrt(2))).astype(float))
    p = np.diff(cdf)
    return k, p / p.sum()


def sorted_delays(rng: np.random.Generator, per_source: np.ndarray, mean: float,
                  std: float, dt: float, dt_s: float) -> np.ndarray:
    """One delay (s, a whole number of time steps ``dt_s``) per synapse, for synapses
    stored by source with ``per_source`` of them per source neuron: NEST's distribution,
    drawn as the number of synapses of each source at each whole-step delay
    (multinomial), so that each source's synapses come with non-decreasing delays (the
    order eqsim delivers them in: no sort). The synapses of a source are exchangeable
    (targets and weights are drawn independently of the delays), so this is the same
    network distribution as drawing per synapse."""
    k, p = delay_step_probabilities(mean, std, dt)
    per_step = rng.multinomial(per_source, p)            # (sources, delays)
    values = np.tile(k * dt_s, len(per_source))
    return np.repeat(values, per_step.ravel())


def build(scale: float = 1.0, background: str = "poisson", k_scale: float | None = None,
          seed: int = 55, dt_ms: float = 0.1, record: bool = True,
          float32: bool = True):
    """(network, spike monitors by population, sizes) of the microcircuit.

    ``float32``: weights stored in single precision (4 bytes a synapse)."""
    import eqsim as eq
    from eqsim.errors import ConfigurationError
    from eqsim.models import nest
    from eqsim.units import Hz, Quantity, ms, pA, second

    if background not in ("poisson", "dc"):
        raise ConfigurationError(f"potjans_diesmann: background must be 'poisson' or "
                                 f"'dc', got {background!r}", code="E870")
    if not 0 < scale <= 1 or (k_scale is not None and not 0 < k_scale <= 1):
        raise ConfigurationError(f"potjans_diesmann: scale must be in (0, 1], got "
                                 f"{scale} (k_scale {k_scale})", code="E870")
    p = derived(scale, k_scale, background)
    n = p["n"]
    offsets = np.concatenate([[0], np.cumsum(n)])
    rng = np.random.default_rng([seed, 0x9D14])
    pop_of = np.repeat(np.arange(8), n)
    V0 = rng.normal(V0_MEAN[pop_of], V0_STD[pop_of])
    G = nest.neuron_group("iaf_psc_exp", int(offsets[-1]),
                          dict(NEURON, I_e=p["dc"][pop_of], V_m=V0), name="pd14",
                          shared=True, dt=dt_ms * ms)
    pops = {name: G[offsets[k]:offsets[k + 1]] for k, name in enumerate(POPULATIONS)}
    objects: list = [G]
    dt = dt_ms
    for t, target in enumerate(POPULATIONS):
        for s, source in enumerate(POPULATIONS):
            count = int(p["n_syn"][t, s])
            if count <= 0:
                continue
            w_mean = p["w"][t, s]
            var = "I_syn_ex" if w_mean >= 0 else "I_syn_in"
            S = eq.Synapses(pops[source], pops[target], "w : amp",
                            on_pre=f"{var}_post += w", name=f"{source}_to_{target}",
                            dtype=np.float32 if float32 else None,
                            seed=seed + 100 + 8 * t + s)
            S.connect(total=count)
            r = np.random.default_rng([seed, t, s])
            low, high = (0.0, np.inf) if w_mean >= 0 else (-np.inf, 0.0)
            # weights (A) drawn straight into the synapses' own array (S.w_ is it)
            redrawn_normal(r, S.w_, w_mean * 1e-12, abs(w_mean) * WEIGHT_REL_STD * 1e-12,
                           low, high)
            d_mean = p["delay"][t, s]
            S.delay = Quantity(sorted_delays(r, S.N_outgoing_pre, d_mean,
                                             d_mean * DELAY_REL_STD, dt, S.dt_),
                               second.dim)
            objects.append(S)
    if background == "poisson":
        for k, name in enumerate(POPULATIONS):
            objects.append(eq.PoissonInput(pops[name], "I_syn_ex", int(p["k_ext"][k]),
                                           BG_RATE * Hz, p["w_ext"] * pA,
                                           name=f"bg_{name}", seed=seed + 10 + k))
    monitors = {}
    if record:
        monitors = {name: eq.SpikeMonitor(pops[name], name=f"spikes_{name}")
                    for name in POPULATIONS}
    net = eq.Network(*objects, *monitors.values())
    return net, monitors, {name: int(n[k]) for k, name in enumerate(POPULATIONS)}
