"""Models of the Milstein tests (plain strings and numbers, shared with
benchmarks/reference/brian2_milstein.py, which runs them in Brian2 2.9)."""

# geometric Brownian motion dX = mu X dt + sigma X dW, X(0) = 1. Brian2's derivative-free
# Milstein scheme (its correction g*g'*dW**2/2 has no -dt) converges to the Stratonovich
# solution X(t) = exp(mu t + sigma W(t)): mean exp((mu + sigma**2/2) t), variance
# exp(2 (mu + sigma**2/2) t)*(exp(sigma**2 t) - 1)
GBM = "dX/dt = mu*X + sigma*X*xi*second**.5 : 1"
GBM_MU, GBM_SIGMA = 0.5, 0.8          # 1/second
GBM_T_S = 1.0
GBM_PATHS = 2000
GBM_DTS_MS = (1.0, 0.25)              # strong error at T for these steps

# two coupled variables with diagonal multiplicative noise (one source each)
PAIR = """dx/dt = (y - x)/tau + s*x*y*xi_1/sqrt(tau) : 1
dy/dt = -y/tau + s*(1 + x**2)*xi_2/sqrt(tau) : 1"""
PAIR_TAU_MS, PAIR_S = 10.0, 0.3
