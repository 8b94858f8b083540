"""NEST's synapse models as eqsim Synapses code, one entry per model."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class SynapseModel:
    """One NEST synapse model: its parameters and how its code is written."""

    name: str
    params: dict            # NEST key -> (default, NEST unit), with weight and delay
    variables: tuple        # state keys, always stored per synapse (besides weight)
    model: str              # synaptic model string (declarations); {W} = weight unit
    on_pre: str             # statements before the delivery (the plasticity)
    on_post: str | None = None
    #: the weight the target receives (an expression over the synaptic variables)
    deliver: str = "weight"
    #: statements of the delivery pathway before the target's own
    deliver_prefix: str = ""
    #: parameter keys: in the namespace when one value is given for all connections,
    #: declared per synapse when given per connection
    constants: tuple = ()
    #: NEST key -> eqsim variable where they differ ('lambda' is a Python keyword)
    names: dict = field(default_factory=dict)
    #: on_pre runs in a pathway of its own without delay ('plast'); the delivery of
    #: ``deliver`` in pathway 'pre' after the delay
    separate_pathway: bool = False

    def render(self, wunit: str, per_synapse: tuple = ()) -> tuple[str, str, str | None]:
        """(model, statements before the delivery, on_post); ``per_synapse`` are the
        constants declared per synapse (the others are namespace values)."""
        units = {"ms": "second", "1": "1", "w": wunit}
        decl = "".join(f"{self.variable(k)} : {units[self.params[k][1]]}\n"
                       for k in per_synapse)
        return self.model.format(W=wunit) + decl, self.on_pre, self.on_post

    def variable(self, key: str) -> str:
        return self.names.get(key, key)


SYNAPSE_MODELS: dict[str, SynapseModel] = {}


def _add(m: SynapseModel) -> None:
    SYNAPSE_MODELS[m.name] = m


_add(SynapseModel(
    name="static_synapse",
    params={"weight": (1.0, "1"), "delay": (1.0, "ms")},
    variables=(), model="weight : {W}\n", on_pre=""))


def _deliver(target_on_pre: str, weight: str) -> str:
    """The target's delivery statements with another expression for the weight."""
    import re
    return re.sub(r"\bweight\b", weight, target_on_pre)


# stdp_synapse: NEST's pair rule (Guetig et al. 2003 form) with the delay counted as
# dendritic, as NEST does: a postsynaptic spike acts on the synapse d after it was
# emitted, a presynaptic spike changes the weight when it is sent, and NEST applies the
# facilitation by a postsynaptic spike lazily, at the first presynaptic spike at least d
# after it. eqsim runs the plasticity in a pathway without delay ('plast') and on_post;
# each synapse keeps its last two postsynaptic spike times (tp1 newer, tp2 older) and
# whether their facilitation is still pending, and applies it once its time (t_post + d)
# has come, with the presynaptic trace of that time — exact as long as no more than two
# postsynaptic spikes fall within d of each other. The weight sent (after the depression)
# is delivered through pathway 'pre' after the delay (two slots, w_sent_0/1, so that a
# second presynaptic spike within the delay does not overwrite the first one's weight;
# w_sent is the last weight sent). Kplus is
# NEST's: the presynaptic trace just after the last presynaptic spike (at t_lastpre).
_FAC = "Wmax*clip(weight/Wmax + lambda_nest*clip(1 - weight/Wmax, 0, inf)**mu_plus*" \
       "Kplus*exp(clip((t_lastpre - {tp} - d_dendritic)/tau_plus, -inf, 0)), -inf, 1)"


def _flush(slot: str, force: bool = False) -> str:
    """Apply the pending facilitation of postsynaptic spike tp<slot> if its time came."""
    due = f"pend{slot}" if force else \
        f"pend{slot}*int(tp{slot} + d_dendritic <= t + 0.5*dt)"
    return (f"f_{slot} = {due}\n"
            f"weight = weight + f_{slot}*({_FAC.format(tp='tp' + slot)} - weight)\n"
            f"pend{slot} = pend{slot}*(1 - f_{slot})\n")


_add(SynapseModel(
    name="stdp_synapse",
    params={"weight": (1.0, "1"), "delay": (1.0, "ms"), "tau_plus": (20.0, "ms"),
            "lambda": (0.01, "1"), "alpha": (1.0, "1"), "mu_plus": (1.0, "1"),
            "mu_minus": (1.0, "1"), "Wmax": (100.0, "w"), "Kplus": (0.0, "1")},
    variables=("Kplus",),
    constants=("tau_plus", "lambda", "alpha", "mu_plus", "mu_minus", "Wmax"),
    model="""weight : {W}
w_sent : {W}
w_sent_0 : {W}
w_sent_1 : {W}
n_sent : 1
n_delivered : 1
d_dendritic : second
tp1 : second
tp2 : second
pend1 : 1
pend2 : 1
Kplus : 1
t_lastpre : second
dKminus/dt = -Kminus/tau_minus_post : 1 (event-driven)
""",
    on_pre=_flush("2") + _flush("1") + """e_1 = int(tp1 >= t - d_dendritic - 0.5*dt)*exp((tp1 - t)/tau_minus_post)
e_2 = int(tp2 >= t - d_dendritic - 0.5*dt)*exp((tp2 - t)/tau_minus_post)
K_minus = exp(d_dendritic/tau_minus_post)*clip(Kminus - e_1 - e_2, 0, inf)
weight = Wmax*clip(weight/Wmax - alpha*lambda_nest*(weight/Wmax)**mu_minus*K_minus, 0, inf)
w_sent = weight
w_sent_0 = w_sent_0 + (1 - n_sent % 2)*(weight - w_sent_0)
w_sent_1 = w_sent_1 + (n_sent % 2)*(weight - w_sent_1)
n_sent += 1
Kplus = Kplus*exp((t_lastpre - t)/tau_plus) + 1
t_lastpre = t""",
    on_post=_flush("2") + _flush("1") + _flush("2", force=True) + """tp2 = tp1
pend2 = pend1
tp1 = t
pend1 = 1
Kminus += 1""",
    deliver="w_d", deliver_prefix="""w_d = w_sent_0 + (n_delivered % 2)*(w_sent_1 - w_sent_0)
n_delivered += 1""",
    names={"lambda": "lambda_nest"}, separate_pathway=True))

# tsodyks_synapse (Tsodyks, Uziel & Markram 2000) as NEST's: the states x, y, u jump
# at each presynaptic spike after their exact decay since the last one; the target gets
# weight*u*x. t_last starts at NEST's 0 (shifted to eqsim's delivery time).
_add(SynapseModel(
    name="tsodyks_synapse",
    params={"weight": (1.0, "1"), "delay": (1.0, "ms"), "U": (0.5, "1"),
            "tau_psc": (3.0, "ms"), "tau_fac": (0.0, "ms"), "tau_rec": (800.0, "ms"),
            "x": (1.0, "1"), "y": (0.0, "1"), "u": (0.0, "1")},
    variables=("x", "y", "u"),
    constants=("U", "tau_psc", "tau_fac", "tau_rec"),
    model="""weight : {W}
x : 1
y : 1
u : 1
t_last : second
""",
    on_pre="""h = t - t_last
Puu = int(tau_fac > 0*ms)*exp(-h/(tau_fac + int(tau_fac <= 0*ms)*ms))
Pyy = exp(-h/tau_psc)
Pzz = expm1(-h/tau_rec)
Pxy = (Pzz*tau_rec - (Pyy - 1)*tau_psc)/(tau_psc - tau_rec)
z = 1 - x - y
u = u*Puu
x = x + Pxy*y - Pzz*z
y = y*Pyy
u = u + U*(1 - u)
dy = u*x
x = x - dy
y = y + dy
t_last = t""",
    deliver="(weight*dy)"))
