"""Models shared by benchmarks/reference/brian2_equation_features.py (Brian2 2.9) and
tests/numerics/test_equation_features.py (eqsim): plain strings and numbers only, so
both simulators run exactly the same script. Parameters are (value, unit name)."""

ADEX = """
dv/dt = (gL*(EL - v) + gL*DeltaT*exp((v - VT)/DeltaT) + I - w)/C : volt
dw/dt = (a*(v - EL) - w)/tau_w : amp
"""
ADEX_PARAMS = {"C": (200, "pF"), "gL": (10, "nS"), "EL": (-58, "mV"), "VT": (-50, "mV"),
               "DeltaT": (2, "mV"), "a": (2, "nS"), "tau_w": (120, "ms"),
               "b": (100, "pA"), "Vr": (-46, "mV"), "I": (210, "pA")}
ADEX_THRESHOLD = "v > -30*mV"
ADEX_RESET = "v = Vr; w += b"
ADEX_DT_MS = 0.01
ADEX_T_MS = 200

# Wang & Buzsaki (1996), as in Brian2's examples/frompapers/Wang_Buszaki_1996.py
WB = """
dv/dt = (-gNa*m**3*h*(v-ENa)-gK*n**4*(v-EK)-gL*(v-EL)+Iapp)/Cm : volt
m = alpha_m/(alpha_m+beta_m) : 1
alpha_m = 0.1/mV*10*mV/exprel(-(v+35*mV)/(10*mV))/ms : Hz
beta_m = 4*exp(-(v+60*mV)/(18*mV))/ms : Hz
dh/dt = 5*(alpha_h*(1-h)-beta_h*h) : 1
alpha_h = 0.07*exp(-(v+58*mV)/(20*mV))/ms : Hz
beta_h = 1./(exp(-0.1/mV*(v+28*mV))+1)/ms : Hz
dn/dt = 5*(alpha_n*(1-n)-beta_n*n) : 1
alpha_n = 0.01/mV*10*mV/exprel(-(v+34*mV)/(10*mV))/ms : Hz
beta_n = 0.125*exp(-(v+44*mV)/(80*mV))/ms : Hz
"""
WB_PARAMS = {"Cm": (1, "uF"), "Iapp": (2, "uA"), "gL": (0.1, "msiemens"),
             "EL": (-65, "mV"), "ENa": (55, "mV"), "EK": (-90, "mV"),
             "gNa": (35, "msiemens"), "gK": (9, "msiemens")}
WB_THRESHOLD = "v > -20*mV"
WB_DT_MS = 0.01
WB_T_MS = 100
WB_RECORD_EVERY = 10

TYPES = """
a = int(i - 2.5) : integer
b = floor(i - 2.5) : 1
c = (i - 3)//2 : integer
d = (i - 3) % 4 : integer
q = (i - 3)/2 : 1
n : integer
h = n // 3 : integer
h2 = n / 3 : 1
k = n % 3 : integer
ff = int(-2.5 + i) : 1
fl : boolean
y = fl + 1 : 1
dv/dt = 1/ms : 1
"""
TYPES_RESET = "v = 0; n += 1; fl = not fl"
TYPES_INIT_N = "i - 3"
TYPES_INIT_FL = "i > 2"
TYPES_READ = ("a", "b", "c", "d", "q", "n", "h", "h2", "k", "ff", "fl", "y")
TYPES_T_MS = 5.0
TYPES_ASSIGN = (2.7, -2.7, "i*1.5")

HELD = """
rate : Hz (shared)
m = 2*rate : Hz (shared)
I = sin(2*pi*t/(0.35*ms) + i)*nA : amp (constant over dt)
dv/dt = (I*10*Mohm - v)/(2*ms) + m*mV : volt
dw/dt = (I/nA - w)/ms : 1
"""
HELD_THRESHOLD = "v > 4*mV"
HELD_RESET = "v = 0*mV"
HELD_RATE_HZ = 1000
HELD_DT_MS = 0.05
HELD_T_MS = 20

REF = """
dv/dt = (1.5 - v)/(2*ms) : 1 (unless refractory)
dx/dt = int(not_refractory)/ms : 1
since = t - lastspike : second
ref : second
"""
REF_FORMS = {"variable": "ref", "expression": "(1 + 0.5*i)*ms",
             "condition": "(t - lastspike) < 1.5*ref"}
REF_DT_MS = 0.1
REF_T_MS = 20

LINK_SOURCE = "dv/dt = (i + 1)*(2 - v)/(10*ms) : 1"
LINK_TARGET = """
v : 1 (linked)
dx/dt = (v - x)/(3*ms) : 1
"""
LINK_INDEX = (3, 0, 1)
LINK_DT_MS = 0.1
LINK_T_MS = 10
