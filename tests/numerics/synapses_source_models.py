"""Synapses whose source is another Synapses (Stimberg et al. 2018's astrocytes read the
neurotransmitter Y of each synapse as Y_pre in a summed variable); shared with
benchmarks/reference/brian2_synapses_source.py."""
SOURCE = "dx/dt = 100/second : 1"
SYNAPSES = "dY/dt = -Y/(10*ms) : 1 (clock-driven)"
ON_PRE = "Y += 1 + i"
ASTRO = "dG/dt = (Y_S - G)/(5*ms) : 1\nY_S : 1"
READER = "Y_S_post = Y_pre*(1 + j) : 1 (summed)"
N_SOURCE, N_TARGET, N_ASTRO = 2, 2, 3
T_MS = 30.0
