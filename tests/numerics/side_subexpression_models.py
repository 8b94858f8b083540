"""A Synapses model that uses subexpressions of its groups (F_pre, F of the target,
FF_pre with the presynaptic index), as Tetzlaff et al. 2015 does; shared with
benchmarks/reference/brian2_side_subexpressions.py."""
GROUP = """du/dt = (k - u)/(10*ms) : 1
k : 1
I : 1
F = Fmax/(1 + exp(-u)) : 1
FF = 2*F + i : 1"""
SYNAPSES = """dw/dt = F_pre*F/(10*ms) : 1 (clock-driven)
I_post = w*FF_pre : 1 (summed)"""
ON_PRE = "w += F_post"
N = 3
K = [1.0, 2.0, 3.0]
FMAX = 2.0
T_MS = 2.0
