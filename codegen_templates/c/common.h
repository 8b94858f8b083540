/* Helpers shared by all generated kernels: Philox4x32-10 random numbers (the C twin of
 * eqsim/rng.py), exprel, sign and Brian2's timestep(). */
#include <math.h>
#include <stdint.h>
#include <string.h>

static inline void eqsim_philox(uint32_t c[4], uint32_t k0, uint32_t k1) {
    for (int r = 0; r < 10; r++) {
        const uint64_t p0 = (uint64_t)0xD2511F53u * c[0];
        const uint64_t p1 = (uint64_t)0xCD9E8D57u * c[2];
        const uint32_t n0 = (uint32_t)(p1 >> 32) ^ c[1] ^ k0;
        const uint32_t n2 = (uint32_t)(p0 >> 32) ^ c[3] ^ k1;
        c[1] = (uint32_t)p1;
        c[3] = (uint32_t)p0;
        c[0] = n0;
        c[2] = n2;
        k0 += 0x9E3779B9u;
        k1 += 0xBB67AE85u;
    }
}

static inline double eqsim_unit(uint32_t a, uint32_t b) {
    return ((double)(a >> 5) * 67108864.0 + (double)(b >> 6)) * (1.0 / 9007199254740992.0);
}

static inline double eqsim_rand(uint32_t k0, uint32_t k1, int64_t index, int64_t step,
                                uint32_t stream) {
    uint32_t c[4] = {(uint32_t)index, stream, (uint32_t)step, (uint32_t)((uint64_t)step >> 32)};
    eqsim_philox(c, k0, k1);
    return eqsim_unit(c[0], c[1]);
}

static inline double eqsim_randn(uint32_t k0, uint32_t k1, int64_t index, int64_t step,
                                 uint32_t stream) {
    uint32_t c[4] = {(uint32_t)index, stream, (uint32_t)step, (uint32_t)((uint64_t)step >> 32)};
    eqsim_philox(c, k0, k1);
    const double u1 = eqsim_unit(c[0], c[1]);
    const double u2 = eqsim_unit(c[2], c[3]);
    return sqrt(-2.0 * log(1.0 - u1)) * cos(6.283185307179586 * u2);
}

static inline double eqsim_exprel(double x) {
    if (x == 0.0) return 1.0;
    return expm1(x) / x;
}

static inline double eqsim_sign(double x) {
    return (double)((x > 0.0) - (x < 0.0));
}

static inline int64_t eqsim_timestep(double t, double dt) {
    return (int64_t)((t + 1e-3 * dt) / dt);
}
