/*
 * infoloss._ckernels: the optional fast core of the NumPy route.
 *
 * One pass over each row does everything the measure needs: the sum of its terms, the row sums
 * of p and q and their minima (for validation and NaN propagation). The log is evaluated by an
 * inline, branch-free routine so the compiler can vectorise the loop (the C library's scalar
 * log is the bottleneck of NumPy's own expression). Terms accumulate in double, float32 input
 * included, in chunks of CHUNK elements summed into a row total. float64 rows are computed in
 * double; float32 rows in float (il_logf, twice the lanes of double), each term
 * converted to double before it is summed: float32 results within about 1e-7 relative of the
 * same measure computed in float64 from the same float32 inputs, the divergences of nearly
 * equal rows within a few float32 ulp of their first-order terms (see the tests).
 *
 * The log:  x = 2^e * m with m in [sqrt(1/2), sqrt(2)), f = m - 1, s = f / (2 + f), z = s^2,
 *   log(1 + f) = f - (f^2/2 - s (f^2/2 + R(z))),   R(z) = sum_{k>=1} 2 z^k / (2k + 1),
 * (the series of 2 atanh(s) = log(1 + f), rearranged so that the exact f carries the leading
 * term), truncated after 10 terms (|z| <= 0.0295: relative truncation below 1e-17), and
 *   log x = e ln2_hi + (log(1 + f) + e ln2_lo)  with ln 2 split so that e ln2_hi is exact.
 * Special values: log 0 = -inf, log(+inf) = +inf, log of a negative or NaN = NaN; subnormal
 * inputs are scaled by 2^54 first.
 *
 * The terms: entropy p log p; cross-entropy p log q; KL p log(p / q); JS p log(2p / (p + q)) +
 * q log(2q / (p + q)) (on doubles by term_js_d: two divisions, no full log); every term with
 * p == 0 (resp. q == 0) is exactly 0 (0 log 0 = 0).
 *
 * softmax_rows serves the softmax cross-entropy of infoloss.losses: per row, the maximum, the
 * sum of exp(z - max) (il_exp_neg / il_expf_neg) and the target's logit.
 *
 * nearest_sorted serves the 1-D nearest-neighbour search of infoloss.data's kNN estimators:
 * a merge of the candidates on either side of each query point, in the exact order of the
 * NumPy route's stable sort (see nearest_block).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK 1024

/* On x86-64 with GCC or Clang, every loop is compiled three times, for AVX-512 (16 float or
 * 8 double lanes), for AVX2 + FMA and for the baseline, and the module picks one at import from
 * what the processor supports. */
#if (defined(__GNUC__) || defined(__clang__)) && defined(__x86_64__)
#define IL_DISPATCH 1
#define IL_FAST __attribute__((target("avx2,fma")))
#define IL_WIDE                                                                             \
    __attribute__((target("avx512f,avx512dq,avx512vl,avx512bw,avx2,fma,prefer-vector-width=512")))
#else
#define IL_DISPATCH 0
#define IL_FAST
#endif

#if defined(_OPENMP) || defined(IL_OPENMP_SIMD)
#define IL_SIMD_REDUCE _Pragma("omp simd reduction(+ : acc, sp, sq) reduction(min : mp, mq)")
#define IL_SIMD _Pragma("omp simd")
#define IL_SIMD_MAX _Pragma("omp simd reduction(max : mt)")
#define IL_SIMD_SUMS _Pragma("omp simd reduction(+ : acc, a)")
#else
#define IL_SIMD_MAX
#define IL_SIMD_SUMS
#define IL_SIMD_REDUCE
#define IL_SIMD
#endif

static const double LN2_HI = 0.6931467056274414;       /* 21 significant bits */
static const double LN2_LO = 4.7493250390316726e-07;   /* ln 2 - LN2_HI */

#if defined(__GNUC__)
#define IL_INLINE static inline __attribute__((always_inline))
#else
#define IL_INLINE static inline
#endif

IL_INLINE double il_log(double x)
{
    const double two54 = 18014398509481984.0;
    const double two52 = 4503599627370496.0;
    int tiny = x < 2.2250738585072014e-308; /* subnormal, zero or negative */
    double xs = tiny ? x * two54 : x;
    uint64_t bits;
    memcpy(&bits, &xs, sizeof bits);
    /* the biased exponent as a double, without an int64 -> double conversion */
    uint64_t ebits = ((bits >> 52) & 0x7ff) | 0x4330000000000000ULL;
    double e;
    memcpy(&e, &ebits, sizeof e);
    e = e - two52 - 1023.0 - (tiny ? 54.0 : 0.0);
    uint64_t mbits = (bits & 0x000fffffffffffffULL) | 0x3ff0000000000000ULL;
    double m;
    memcpy(&m, &mbits, sizeof m);
    int upper = m > 1.4142135623730951;
    m = upper ? 0.5 * m : m;
    e = upper ? e + 1.0 : e;
    double f = m - 1.0;
    double s = f / (2.0 + f);
    double z = s * s;
    double R = z * (0.6666666666666666 +
               z * (0.4 +
               z * (0.2857142857142857 +
               z * (0.2222222222222222 +
               z * (0.18181818181818182 +
               z * (0.15384615384615385 +
               z * (0.13333333333333333 +
               z * (0.11764705882352941 +
               z * (0.10526315789473684 +
               z * 0.09523809523809523)))))))));
    double hfsq = 0.5 * f * f;
    double r = e * LN2_HI - ((hfsq - (s * (hfsq + R) + e * LN2_LO)) - f);
    r = (x == 0.0) ? -INFINITY : r;
    r = (x == INFINITY) ? INFINITY : r;
    r = ((x < 0.0) | (x != x)) ? NAN : r;
    return r;
}

/* exp(x) for x <= 0 (the logits shifted by their row maximum), on doubles, branch-free:
 * x = k ln2 + r with |r| <= ln2 / 2 (k by the round-to-nearest of adding 1.5 * 2^52, which
 * also leaves k in the low bits: 2^k is built from them with integer adds and a shift),
 * exp(r) by its Taylor series to r^13 / 13! (truncation below 5e-18 relative), and
 * exp(x) = 2^k exp(r). x < -708 (-inf included) gives exp(-708) = 3e-308 instead: the kernel
 * only sums these terms, beside the row's largest, which is exp(0) = 1, so that no sum of them
 * reaches the double rounding of the total. exp(NaN) = NaN. */
IL_INLINE double il_exp_neg(double x)
{
    const double shifter = 6755399441055744.0; /* 1.5 * 2^52 */
    double xc = x < -708.0 ? -708.0 : x;
    double kd = xc * 1.4426950408889634 + shifter;
    double k = kd - shifter;
    double r = (xc - k * 0.6931471803691238) - k * 1.9082149292705877e-10;
    double p = 1.0 + r * (1.0 + r * (0.5 + r * (1.6666666666666666e-01 +
               r * (4.1666666666666664e-02 + r * (8.3333333333333332e-03 +
               r * (1.3888888888888889e-03 + r * (1.9841269841269841e-04 +
               r * (2.4801587301587302e-05 + r * (2.7557319223985893e-06 +
               r * (2.7557319223985888e-07 + r * (2.5052108385441720e-08 +
               r * (2.0876756987868100e-09 + r * 1.6059043836821613e-10))))))))))));
    uint64_t kbits, scale_bits;
    memcpy(&kbits, &kd, sizeof kbits);
    scale_bits = (kbits - 0x4338000000000000ULL + 1023ULL) << 52;
    double scale;
    memcpy(&scale, &scale_bits, sizeof scale);
    return p * scale;
}

/* The same in float, for float32 logits: k by adding 1.5 * 2^23, r = x - k ln2 with ln2 split
 * in two (Cody and Waite), exp(r) by the minimax polynomial of Cephes' expf (relative error
 * about 1e-7, beside float32's 6e-8 rounding); x < -87 gives exp(-87) = 1.6e-38 (negligible
 * beside the 1 of the row's maximum, as above). Twice the lanes of il_exp_neg; the caller sums
 * the terms in double. */
IL_INLINE float il_expf_neg(float x)
{
    const float shifter = 12582912.0f; /* 1.5 * 2^23 */
    float xc = x < -87.0f ? -87.0f : x;
    float kd = xc * 1.44269504088896341f + shifter;
    float k = kd - shifter;
    float r = (xc - k * 0.693359375f) - k * -2.12194440e-4f;
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    float y = (p * r) * r + r + 1.0f;
    uint32_t kbits, scale_bits;
    memcpy(&kbits, &kd, sizeof kbits);
    scale_bits = (kbits - 0x4B400000u + 127u) << 23;
    float scale;
    memcpy(&scale, &scale_bits, sizeof scale);
    return y * scale;
}

/* log on floats, for float32 rows: x = 2^e m with m in [sqrt(1/2), sqrt(2)), f = m - 1, and
 * log(1 + f) = f - f^2/2 + f^3 P(f) with the minimax polynomial P of Cephes' logf (relative
 * error below 1e-7: under 1.3 float32 ulp), no division; log x = e ln2 + log(1 + f) with ln2
 * split in two. The same special values as il_log; subnormals are scaled by 2^24 first. */
IL_INLINE float il_logf_near(float x, float xm1)
{
    int tiny = x < 1.17549435e-38f;
    float xs = tiny ? x * 16777216.0f : x;
    uint32_t bits;
    memcpy(&bits, &xs, sizeof bits);
    uint32_t ebits = ((bits >> 23) & 0xffu) | 0x4B000000u; /* 2^23 + biased exponent */
    float e;
    memcpy(&e, &ebits, sizeof e);
    e = e - 8388608.0f - 127.0f - (tiny ? 24.0f : 0.0f);
    uint32_t mbits = (bits & 0x007fffffu) | 0x3f800000u;
    float m;
    memcpy(&m, &mbits, sizeof m);
    int upper = m > 1.41421356f;
    m = upper ? 0.5f * m : m;
    e = upper ? e + 1.0f : e;
    /* near 1 (e == 0) the caller's x - 1, when it has it more accurately than x */
    float f = ((x >= 0.70710678f) & (x < 1.41421356f)) ? xm1 : m - 1.0f;
    float z = f * f;
    float y = 7.0376836292e-2f;
    y = y * f - 1.1514610310e-1f;
    y = y * f + 1.1676998740e-1f;
    y = y * f - 1.2420140846e-1f;
    y = y * f + 1.4249322787e-1f;
    y = y * f - 1.6668057665e-1f;
    y = y * f + 2.0000714765e-1f;
    y = y * f - 2.4999993993e-1f;
    y = y * f + 3.3333331174e-1f;
    y = y * f * z;
    y = y + e * -2.12194440e-4f;
    y = y - 0.5f * z;
    float r = (f + y) + e * 0.693359375f;
    r = (x == 0.0f) ? -INFINITY : r;
    r = (x == INFINITY) ? INFINITY : r;
    r = ((x < 0.0f) | (x != x)) ? NAN : r;
    return r;
}

IL_INLINE float il_logf(float x) { return il_logf_near(x, x - 1.0f); }

/* term of each measure, zero exactly where the weight is zero; double rows on doubles */
#define TERM_ENTROPY(p, q) ((p) != 0.0 ? (p) * il_log(p) : 0.0)
#define TERM_CROSS(p, q) ((p) != 0.0 ? (p) * il_log(q) : 0.0)
#define TERM_KL(p, q) ((p) != 0.0 ? (p) * il_log((p) / (q)) : 0.0)
#define TERM_JS(p, q) term_js_d(p, q)

/* a = 2^e m with m in [1, 2), for a normal a > 0: e as a double, and m */
IL_INLINE double il_split(double a, double *m)
{
    const double two52 = 4503599627370496.0;
    uint64_t bits;
    memcpy(&bits, &a, sizeof bits);
    uint64_t ebits = ((bits >> 52) & 0x7ff) | 0x4330000000000000ULL;
    double e;
    memcpy(&e, &ebits, sizeof e);
    uint64_t mbits = (bits & 0x000fffffffffffffULL) | 0x3ff0000000000000ULL;
    memcpy(m, &mbits, sizeof *m);
    return e - two52 - 1023.0;
}

/* 2 atanh(s) = log((1 + s) / (1 - s)) for |s| <= 0.1716: 2 s + s R(s^2) with fdlibm's minimax
 * R of degree 7 (e_log.c, Lg1..Lg7: |R - (2 atanh(s) / s - 2)| < 2^-58.45 on that range), in
 * two halves of even and odd powers (fewer dependent steps than one Horner chain) */
IL_INLINE double il_atanh2(double s)
{
    double z = s * s;
    double w = z * z;
    double t1 = w * (3.999999999940941908e-01 +
                w * (2.222219843214978396e-01 + w * 1.531383769920937332e-01));
    double t2 = z * (6.666666666666735130e-01 +
                w * (2.857142874366239149e-01 +
                w * (1.818357216161805012e-01 + w * 1.479819860511658591e-01)));
    return 2.0 * s + s * (t1 + t2);
}

/* JS on doubles with two divisions (the ratios 2p / (p + q), 2q / (p + q) and two logs took
 * four). With s = p + q, hi = max(p, q), lo = min(p, q), the term is
 *   hi log(2 hi / s) + lo log(2 lo / s),
 * each log as 2 atanh of a quotient whose numerator carries no cancellation:
 *   log(2 hi / s) = 2 atanh((hi - lo) / (3 hi + lo))            where 2 hi / s <= sqrt 2,
 *                 = ln 2 - 2 atanh(lo / (2 hi + lo))             above (2 hi / s in [1, 2]),
 *   log(2 lo / s) = -2 atanh((hi - lo) / (hi + 3 lo))           where 2 lo / s >= sqrt(1/2),
 *                 = e ln 2 + 2 atanh((ma - mb) / (ma + mb))     below (2 lo = 2^ea ma, s = 2^eb
 *                   mb, ma, mb in [1, 2) halved so that ma / mb is in [sqrt(1/2), sqrt 2),
 *                   e = ea - eb; ma - mb is exact by Sterbenz's lemma),
 * every atanh argument within 0.1716 (il_atanh2). Where p and q are close, neither log reads
 * the rounded s and hi - lo is exact, so both are accurate relative to (hi - lo) / s, as the
 * terms, which cancel to first order, need (the ratios 2p / s of the former kernel carried
 * s's rounding: an error of eps / x relative to the terms' size, x = (hi - lo) / s). p and q
 * are scaled by 2^54 first (exact; the term is homogeneous of degree 1) so that every nonzero
 * entry, subnormals included, is normal and no exponent needs a subnormal path; lo == 0 gives
 * hi ln 2; p == q == 0 gives 0; a negative, NaN or infinite entry, or one above 2^968 (2.5e291,
 * which the scaling could overflow) gives NaN (the caller recomputes such rows by the generic
 * formula, or writes NaN). */
IL_INLINE double term_js_d(double p, double q)
{
    const double two54 = 18014398509481984.0;
    const double rt2 = 1.4142135623730951;
    double pp = p * two54, qq = q * two54; /* exact; every nonzero entry becomes normal */
    double sum = pp + qq;
    double lo = pp < qq ? pp : qq;
    double hi = pp < qq ? qq : pp;
    int up = 2.0 * hi > rt2 * sum;
    double s1 = (up ? -lo : hi - lo) / (up ? 2.0 * hi + lo : 3.0 * hi + lo);
    double l1 = (up ? LN2_HI : 0.0) + (il_atanh2(s1) + (up ? LN2_LO : 0.0));
    double ma, mb;
    double e = il_split(2.0 * lo, &ma) - il_split(sum, &mb);
    int half_a = ma > rt2 * mb;
    int half_b = mb > rt2 * ma;
    ma = half_a ? 0.5 * ma : ma;
    mb = half_b ? 0.5 * mb : mb;
    e = e + (half_a ? 1.0 : 0.0) - (half_b ? 1.0 : 0.0);
    int near = 2.0 * rt2 * lo >= sum; /* 2 lo / s >= sqrt(1/2): s's rounding must not count */
    double n2 = near ? lo - hi : ma - mb, d2 = near ? hi + 3.0 * lo : ma + mb;
    e = near ? 0.0 : e;
    double l2 = e * LN2_HI + (il_atanh2(n2 / d2) + e * LN2_LO);
    double t = (hi * l1 + lo * l2) * 5.551115123125783e-17; /* lo == 0: l2 finite, 0 l2 = 0 */
    t = sum != 0.0 ? t : 0.0;
    return ((lo >= 0.0) & (hi < 4.49423283715579e+307)) ? t : NAN; /* scaled hi < 2^1022 */
}

/* float rows: the terms in float SIMD (8 lanes of AVX2, 16 of AVX-512), each one summed in
 * double. KL's log(p / q) takes (p - q) / q as p / q - 1 (a second division, exact numerator
 * when p and q are within a factor 2): for close p and q the terms cancel to first order, and
 * the rounding of p / q alone left a relative error of 4e-3 on a KL of 5e-7 (p, q 1e-3 apart,
 * 5000 outcomes), 6e-6 with it. */
#define TERM_ENTROPY_F(p, q) ((p) != 0.0f ? (double)((p) * il_logf(p)) : 0.0)
#define TERM_CROSS_F(p, q) ((p) != 0.0f ? (double)((p) * il_logf(q)) : 0.0)
#define TERM_KL_F(p, q)                                                                     \
    ((p) != 0.0f ? (double)((p) * il_logf_near((p) / (q), ((p) - (q)) / (q))) : 0.0)
#define TERM_JS_F(p, q) term_js_f(p, q)
#define TERM_NONE(p, q) 0.0 /* "sums": the row sums and minima alone (validation) */

/* log(1 + x) for x in [0, 1] on floats: x P(x), P of degree 9 fitted for the least maximum
 * relative error (1.5e-7 in float32 evaluation, measured on 10^4 points against log1p). */
IL_INLINE float il_log1p01(float x)
{
    float y = -0.00324401306f;
    y = y * x + 0.0198513418f;
    y = y * x - 0.0569591671f;
    y = y * x + 0.106036007f;
    y = y * x - 0.153055489f;
    y = y * x + 0.196759194f;
    y = y * x - 0.249541283f;
    y = y * x + 0.333299607f;
    y = y * x - 0.499999017f;
    y = y * x + 1.0f;
    return y * x;
}

/* JS on floats with one full log: with s = p + q, lo = min(p, q), hi = max(p, q) and
 * u = 2 lo / s in [0, 1], the term p log(2p / s) + q log(2q / s) is
 *   hi log(2 - u) + lo log(u) = hi log1p(x) + lo log(1 - x),   x = 1 - u = (hi - lo) / s,
 * the first by the polynomial above (x in [0, 1]), the second by il_logf_near, both from x
 * computed without cancellation (close p and q: the terms cancel to first order, so their
 * small logs must be accurate relative to x). p == q gives x = 0: exactly 0; lo == 0 gives
 * hi log 2; no ratio can overflow (u <= 1). */
IL_INLINE double term_js_f(float p, float q)
{
    float sum = p + q;
    float lo = p < q ? p : q;
    float hi = p < q ? q : p;
    float u = 2.0f * (lo / sum);
    float x = (hi - lo) / sum; /* 1 - u without its cancellation when p and q are close */
    float t = hi * il_log1p01(x);
    float t_lo = lo != 0.0f ? lo * il_logf_near(u, -x) : 0.0f;
    return sum != 0.0f ? (double)(t + t_lo) : 0.0;
}

typedef struct {
    const char *p, *q;        /* row 0 of p and q */
    Py_ssize_t ps, qs;        /* row strides in bytes (0 when broadcast) */
    Py_ssize_t n;             /* outcomes per row */
    double *out, *sp, *sq, *mp, *mq;
} Job;

/* One row at a time, in chunks of CHUNK: the terms summed in double; the sums and minima of p
 * and q (validation, NaN detection) in the rows' own type within a chunk (float32: a relative
 * error below 1e-5 on chunk sums, far inside the sqrt(eps) = 3.5e-4 tolerance of the check),
 * then in double across chunks. */
#define DEFINE_ROWS(NAME, T, TERM, ATTR)                                                    \
    ATTR static void NAME(const Job *job, Py_ssize_t r0, Py_ssize_t r1)                     \
    {                                                                                       \
        for (Py_ssize_t i = r0; i < r1; i++) {                                              \
            const T *p = (const T *)(job->p + i * job->ps);                                 \
            const T *q = job->q ? (const T *)(job->q + i * job->qs) : p;                    \
            double total = 0.0, tsp = 0.0, tsq = 0.0;                                       \
            T mp = (T)INFINITY, mq = (T)INFINITY;                                           \
            for (Py_ssize_t j0 = 0; j0 < job->n; j0 += CHUNK) {                             \
                Py_ssize_t j1 = j0 + CHUNK < job->n ? j0 + CHUNK : job->n;                  \
                double acc = 0.0;                                                           \
                T sp = 0, sq = 0;                                                           \
                IL_SIMD_REDUCE                                                              \
                for (Py_ssize_t j = j0; j < j1; j++) {                                      \
                    T pv = p[j], qv = q[j];                                                 \
                    acc += TERM(pv, qv);                                                    \
                    sp += pv;                                                               \
                    sq += qv;                                                               \
                    mp = pv < mp ? pv : mp;                                                 \
                    mq = qv < mq ? qv : mq;                                                 \
                }                                                                           \
                total += acc;                                                               \
                tsp += (double)sp;                                                          \
                tsq += (double)sq;                                                          \
            }                                                                               \
            job->out[i] = total;                                                            \
            job->sp[i] = tsp;                                                               \
            job->sq[i] = tsq;                                                               \
            job->mp[i] = (double)mp;                                                        \
            job->mq[i] = (double)mq;                                                        \
        }                                                                                   \
    }

/* Softmax cross-entropy, one row at a time: the row maximum m (NaN entries skipped), then in
 * one more pass over the row (from cache) S = sum exp(z - m) and, for label smoothing,
 * sum_c w_c (z_c - m) (a term of weight 0 counts 0, even at z_c = -inf), both in double; and
 * the target's logit z_t. A NaN logit makes S NaN; the caller recomputes the rows whose m or S
 * is not finite (+inf logits, rows of -inf only, NaN) by the limit rules. */
typedef struct {
    const char *z;
    Py_ssize_t zs, n;
    const int64_t *t;
    const double *w;
    double *m, *s, *zt, *ws;
} SoftmaxJob;

#define DEFINE_SOFTMAX(NAME, T, EXP, ATTR)                                                     \
    ATTR static void NAME(const SoftmaxJob *job, Py_ssize_t r0, Py_ssize_t r1)              \
    {                                                                                       \
        const Py_ssize_t n = job->n;                                                        \
        const double *w = job->w;                                                           \
        for (Py_ssize_t i = r0; i < r1; i++) {                                              \
            const T *z = (const T *)(job->z + i * job->zs);                                 \
            T mt = (T)-INFINITY;                                                            \
            IL_SIMD_MAX                                                                     \
            for (Py_ssize_t j = 0; j < n; j++)                                              \
                mt = z[j] > mt ? z[j] : mt;                                                 \
            const double m = (double)mt;                                                    \
            const T mT = mt;                                                                \
            (void)mT;                                                                       \
            double total = 0.0, wtotal = 0.0;                                               \
            for (Py_ssize_t j0 = 0; j0 < n; j0 += CHUNK) {                                  \
                Py_ssize_t j1 = j0 + CHUNK < n ? j0 + CHUNK : n;                            \
                double acc = 0.0, a = 0.0;                                                  \
                if (!job->ws) {                                                             \
                    IL_SIMD_SUMS                                                            \
                    for (Py_ssize_t j = j0; j < j1; j++)                                    \
                        acc += EXP(z[j]);                                                   \
                } else if (w) {                                                             \
                    IL_SIMD_SUMS                                                            \
                    for (Py_ssize_t j = j0; j < j1; j++) {                                  \
                        double d = (double)z[j] - m;                                        \
                        acc += EXP(z[j]);                                                   \
                        a += w[j] != 0.0 ? w[j] * d : 0.0;                                  \
                    }                                                                       \
                } else {                                                                    \
                    IL_SIMD_SUMS                                                            \
                    for (Py_ssize_t j = j0; j < j1; j++) {                                  \
                        double d = (double)z[j] - m;                                        \
                        acc += EXP(z[j]);                                                   \
                        a += d;                                                             \
                    }                                                                       \
                }                                                                           \
                total += acc;                                                               \
                wtotal += a;                                                                \
            }                                                                               \
            int64_t k = job->t[i];                                                          \
            job->m[i] = m;                                                                  \
            job->s[i] = total;                                                              \
            job->zt[i] = (k >= 0 && k < n) ? (double)z[k] : NAN;                            \
            if (job->ws)                                                                    \
                job->ws[i] = wtotal;                                                        \
        }                                                                                   \
    }

#define EXP_D(v) il_exp_neg((v) - m)
#define EXP_F(v) (double)il_expf_neg((v) - mT)

#define DEFINE_ALL(SUFFIX, ATTR)                                                            \
    DEFINE_ROWS(rows_entropy_d##SUFFIX, double, TERM_ENTROPY, ATTR)                         \
    DEFINE_ROWS(rows_cross_d##SUFFIX, double, TERM_CROSS, ATTR)                             \
    DEFINE_ROWS(rows_kl_d##SUFFIX, double, TERM_KL, ATTR)                                   \
    DEFINE_ROWS(rows_js_d##SUFFIX, double, TERM_JS, ATTR)                                   \
    DEFINE_ROWS(rows_sums_d##SUFFIX, double, TERM_NONE, ATTR)                               \
    DEFINE_ROWS(rows_sums_f##SUFFIX, float, TERM_NONE, ATTR)                                \
    DEFINE_ROWS(rows_entropy_f##SUFFIX, float, TERM_ENTROPY_F, ATTR)                        \
    DEFINE_ROWS(rows_cross_f##SUFFIX, float, TERM_CROSS_F, ATTR)                            \
    DEFINE_ROWS(rows_kl_f##SUFFIX, float, TERM_KL_F, ATTR)                                  \
    DEFINE_ROWS(rows_js_f##SUFFIX, float, TERM_JS_F, ATTR)                                  \
    DEFINE_SOFTMAX(softmax_d##SUFFIX, double, EXP_D, ATTR)                                  \
    DEFINE_SOFTMAX(softmax_f##SUFFIX, float, EXP_F, ATTR)                                   \
    ATTR static void log_loop##SUFFIX(const double *x, double *y, Py_ssize_t n)             \
    {                                                                                       \
        IL_SIMD                                                                             \
        for (Py_ssize_t i = 0; i < n; i++)                                                  \
            y[i] = il_log(x[i]);                                                            \
    }

DEFINE_ALL(_base, )
#if IL_DISPATCH
DEFINE_ALL(_fast, IL_FAST)
DEFINE_ALL(_wide, IL_WIDE)
#endif

typedef void (*RowsFn)(const Job *, Py_ssize_t, Py_ssize_t);
typedef void (*LogFn)(const double *, double *, Py_ssize_t);
typedef void (*SoftmaxFn)(const SoftmaxJob *, Py_ssize_t, Py_ssize_t);
static SoftmaxFn SOFTMAX_D = softmax_d_base, SOFTMAX_F = softmax_f_base;
#define N_MEASURES 5
static const char *MEASURES[] = {"entropy", "cross_entropy", "kl_divergence", "js_divergence",
                                 "sums"};
static RowsFn ROWS_D[] = {rows_entropy_d_base, rows_cross_d_base, rows_kl_d_base, rows_js_d_base,
                          rows_sums_d_base};
static RowsFn ROWS_F[] = {rows_entropy_f_base, rows_cross_f_base, rows_kl_f_base, rows_js_f_base,
                          rows_sums_f_base};
static LogFn LOG = log_loop_base;
static const char *ISA = "baseline";

/* INFOLOSS_DISABLE_CPU_FEATURES, like NumPy's NPY_DISABLE_CPU_FEATURES: naming AVX2 or FMA
 * (any case, any separator) holds the kernels to the baseline, naming AVX512 (AVX512F, ...) to
 * AVX2, e.g. to test that results do not depend on the processor's SIMD level. */
static int disabled(const char *feature)
{
    const char *env = getenv("INFOLOSS_DISABLE_CPU_FEATURES");
    char buf[256];
    size_t i;
    if (!env)
        return 0;
    for (i = 0; env[i] && i < sizeof buf - 1; i++)
        buf[i] = (char)toupper((unsigned char)env[i]);
    buf[i] = '\0';
    return strstr(buf, feature) != NULL;
}

#if IL_DISPATCH
/* Installs one SIMD level's kernels (arrays in `Measure` order). */
static void use_level(const RowsFn *d, const RowsFn *f, LogFn log, SoftmaxFn smd,
                      SoftmaxFn smf, const char *isa)
{
    memcpy(ROWS_D, d, sizeof ROWS_D);
    memcpy(ROWS_F, f, sizeof ROWS_F);
    LOG = log;
    SOFTMAX_D = smd;
    SOFTMAX_F = smf;
    ISA = isa;
}
#endif

static void pick_kernels(void)
{
#if IL_DISPATCH
    __builtin_cpu_init();
    if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma") || disabled("AVX2") ||
        disabled("FMA"))
        return;
    int wide = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
               __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bw") &&
               !disabled("AVX512");
    if (wide) {
        RowsFn d[] = {rows_entropy_d_wide, rows_cross_d_wide, rows_kl_d_wide, rows_js_d_wide,
                      rows_sums_d_wide};
        RowsFn f[] = {rows_entropy_f_wide, rows_cross_f_wide, rows_kl_f_wide, rows_js_f_wide,
                      rows_sums_f_wide};
        use_level(d, f, log_loop_wide, softmax_d_wide, softmax_f_wide, "avx512");
        return;
    }
    RowsFn d[] = {rows_entropy_d_fast, rows_cross_d_fast, rows_kl_d_fast, rows_js_d_fast,
                  rows_sums_d_fast};
    RowsFn f[] = {rows_entropy_f_fast, rows_cross_f_fast, rows_kl_f_fast, rows_js_f_fast,
                  rows_sums_f_fast};
    use_level(d, f, log_loop_fast, softmax_d_fast, softmax_f_fast, "avx2+fma");
#endif
}

/* A 2-D input whose rows are contiguous (row stride free, 0 included). */
static int get_rows(PyObject *obj, Py_buffer *view, const char *name)
{
    if (PyObject_GetBuffer(obj, view, PyBUF_STRIDES | PyBUF_FORMAT) < 0)
        return -1;
    if (view->ndim != 2 || (view->shape[1] > 1 && view->strides[1] != view->itemsize)) {
        PyErr_Format(PyExc_ValueError, "%s must be 2-D with contiguous rows", name);
        PyBuffer_Release(view);
        return -1;
    }
    return 0;
}

/* A buffer of int64 (NumPy's "q", or "l" where long is 64 bits). */
static int is_int64(const Py_buffer *view)
{
    return view->itemsize == 8 &&
           (strcmp(view->format, "q") == 0 || strcmp(view->format, "l") == 0);
}

static int get_out(PyObject *obj, Py_buffer *view, Py_ssize_t n)
{
    if (PyObject_GetBuffer(obj, view, PyBUF_C_CONTIGUOUS | PyBUF_WRITABLE | PyBUF_FORMAT) < 0)
        return -1;
    if (strcmp(view->format, "d") != 0 || view->len != n * (Py_ssize_t)sizeof(double)) {
        PyErr_SetString(PyExc_ValueError, "outputs must be float64 arrays of one per row");
        PyBuffer_Release(view);
        return -1;
    }
    return 0;
}

PyDoc_STRVAR(reduce_rows_doc,
"reduce_rows(measure, p, q, r0, r1, out, sum_p, sum_q, min_p, min_q)\n\n"
"Rows r0:r1 of the measure's term sums into out, with the row sums and minima of p and q.\n"
"p, q: 2-D float32/float64 arrays of one dtype with contiguous rows (q may be None for\n"
"entropy); outputs: float64 arrays with one entry per row. Releases the GIL.");

static PyObject *reduce_rows(PyObject *self, PyObject *args)
{
    const char *measure;
    PyObject *po, *qo, *outs[5];
    Py_ssize_t r0, r1;
    if (!PyArg_ParseTuple(args, "sOOnnOOOOO", &measure, &po, &qo, &r0, &r1, &outs[0], &outs[1],
                          &outs[2], &outs[3], &outs[4]))
        return NULL;
    int m = -1;
    for (int k = 0; k < N_MEASURES; k++)
        if (strcmp(measure, MEASURES[k]) == 0)
            m = k;
    if (m < 0)
        return PyErr_Format(PyExc_ValueError, "unknown measure %s", measure);
    Py_buffer pv, qv, ov[5];
    int have_q = qo != Py_None, n_out = 0;
    PyObject *result = NULL;
    if (get_rows(po, &pv, "p") < 0)
        return NULL;
    if (have_q && get_rows(qo, &qv, "q") < 0)
        goto release_p;
    Py_ssize_t rows = pv.shape[0];
    int dbl = strcmp(pv.format, "d") == 0;
    if ((!dbl && strcmp(pv.format, "f") != 0) ||
        (have_q && (strcmp(qv.format, pv.format) != 0 || qv.shape[0] != rows ||
                    qv.shape[1] != pv.shape[1])) ||
        r0 < 0 || r1 > rows || r0 > r1) {
        PyErr_SetString(PyExc_ValueError, "p and q must be float32 or float64 of one shape");
        goto release;
    }
    for (; n_out < 5; n_out++)
        if (get_out(outs[n_out], &ov[n_out], rows) < 0)
            goto release;
    Job job = {pv.buf, have_q ? qv.buf : NULL, pv.strides[0], have_q ? qv.strides[0] : 0,
               pv.shape[1], ov[0].buf, ov[1].buf, ov[2].buf, ov[3].buf, ov[4].buf};
    RowsFn fn = dbl ? ROWS_D[m] : ROWS_F[m];
    Py_BEGIN_ALLOW_THREADS
    fn(&job, r0, r1);
    Py_END_ALLOW_THREADS
    result = Py_NewRef(Py_None);
release:
    for (int k = 0; k < n_out; k++)
        PyBuffer_Release(&ov[k]);
    if (have_q)
        PyBuffer_Release(&qv);
release_p:
    PyBuffer_Release(&pv);
    return result;
}

PyDoc_STRVAR(log_doc, "log(x, out): out = log(x) elementwise with the kernels' log (float64).");

static PyObject *log_array(PyObject *self, PyObject *args)
{
    PyObject *xo, *yo;
    if (!PyArg_ParseTuple(args, "OO", &xo, &yo))
        return NULL;
    Py_buffer xv, yv;
    if (PyObject_GetBuffer(xo, &xv, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0)
        return NULL;
    if (PyObject_GetBuffer(yo, &yv, PyBUF_C_CONTIGUOUS | PyBUF_WRITABLE | PyBUF_FORMAT) < 0) {
        PyBuffer_Release(&xv);
        return NULL;
    }
    PyObject *result = NULL;
    if (strcmp(xv.format, "d") != 0 || strcmp(yv.format, "d") != 0 || xv.len != yv.len) {
        PyErr_SetString(PyExc_ValueError, "x and out must be float64 arrays of one size");
    } else {
        Py_BEGIN_ALLOW_THREADS
        LOG(xv.buf, yv.buf, xv.len / (Py_ssize_t)sizeof(double));
        Py_END_ALLOW_THREADS
        result = Py_NewRef(Py_None);
    }
    PyBuffer_Release(&xv);
    PyBuffer_Release(&yv);
    return result;
}

PyDoc_STRVAR(softmax_rows_doc,
"softmax_rows(z, t, w, r0, r1, m, s, zt, ws)\n\n"
"Rows r0:r1 of z (2-D float32/float64, contiguous rows): the row maxima m, the sums of\n"
"exp(z - m) s, the logits at the targets t (int64, one per row; NaN out of range) zt and,\n"
"unless ws is None, sum_c w_c (z_c - m) into ws (w: float64 of one per class, or None for\n"
"weights 1). Outputs: float64 arrays with one entry per row. Releases the GIL.");

static PyObject *softmax_rows(PyObject *self, PyObject *args)
{
    PyObject *zo, *to, *wo, *outs[4];
    Py_ssize_t r0, r1;
    if (!PyArg_ParseTuple(args, "OOOnnOOOO", &zo, &to, &wo, &r0, &r1, &outs[0], &outs[1],
                          &outs[2], &outs[3]))
        return NULL;
    Py_buffer zv, tv, wv, ov[4];
    int have_w = wo != Py_None, have_ws = outs[3] != Py_None, n_out = 0, got_t = 0, got_w = 0;
    PyObject *result = NULL;
    if (get_rows(zo, &zv, "z") < 0)
        return NULL;
    Py_ssize_t rows = zv.shape[0], n = zv.shape[1];
    int dbl = strcmp(zv.format, "d") == 0;
    if ((!dbl && strcmp(zv.format, "f") != 0) || r0 < 0 || r1 > rows || r0 > r1) {
        PyErr_SetString(PyExc_ValueError, "z must be float32 or float64");
        goto release;
    }
    if (PyObject_GetBuffer(to, &tv, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0)
        goto release;
    got_t = 1;
    if (!is_int64(&tv) ||
        tv.len != rows * 8) {
        PyErr_SetString(PyExc_ValueError, "t must be int64 with one entry per row");
        goto release;
    }
    if (have_w) {
        if (PyObject_GetBuffer(wo, &wv, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0)
            goto release;
        got_w = 1;
        if (strcmp(wv.format, "d") != 0 || wv.len != n * (Py_ssize_t)sizeof(double)) {
            PyErr_SetString(PyExc_ValueError, "w must be float64 with one entry per class");
            goto release;
        }
    }
    for (; n_out < 3 + have_ws; n_out++)
        if (get_out(outs[n_out], &ov[n_out], rows) < 0)
            goto release;
    SoftmaxJob job = {zv.buf, zv.strides[0], n, tv.buf, have_w ? wv.buf : NULL,
                      ov[0].buf, ov[1].buf, ov[2].buf, have_ws ? ov[3].buf : NULL};
    SoftmaxFn fn = dbl ? SOFTMAX_D : SOFTMAX_F;
    Py_BEGIN_ALLOW_THREADS
    fn(&job, r0, r1);
    Py_END_ALLOW_THREADS
    result = Py_NewRef(Py_None);
release:
    for (int k = 0; k < n_out; k++)
        PyBuffer_Release(&ov[k]);
    if (got_w)
        PyBuffer_Release(&wv);
    if (got_t)
        PyBuffer_Release(&tv);
    PyBuffer_Release(&zv);
    return result;
}

/* The R nearest of the sorted points s (n, ascending) to each query point q_i, whose
 * insertion position pos_i = searchsorted(s, q_i) is given: the ranks 1..R of the 2R
 * candidates pos_i - R .. pos_i + R - 1 (distance |s_c - q_i|, +inf outside 0..n-1) in the
 * order of a stable sort of that candidate block by distance, exactly (ties by candidate
 * position). The left candidates' distances do not increase with their position, the right
 * ones' do not decrease: the left block sorted is its groups of equal distance from the
 * nearest group out, each group in ascending position; the right block is sorted already;
 * the merge takes the left candidate on a tie (its position is lower). O(R) per point where
 * the sort took O(R log R) and two (n, 2R) temporaries. Positions are clamped to 0..n-1, as
 * the NumPy route's. */
static int nearest_block(const double *s, Py_ssize_t n, const double *q, const int64_t *pos,
                         Py_ssize_t r0, Py_ssize_t r1, Py_ssize_t R, double *dist,
                         int64_t *cand)
{
    double *dl = malloc(2 * (size_t)R * sizeof(double));
    Py_ssize_t *order = malloc((size_t)R * sizeof(Py_ssize_t));
    if (!dl || !order) {
        free(dl);
        free(order);
        return -1;
    }
    double *dr = dl + R;
    for (Py_ssize_t i = r0; i < r1; i++) {
        const double qi = q[i];
        const Py_ssize_t p = (Py_ssize_t)pos[i];
        for (Py_ssize_t c = 0; c < R; c++) {
            Py_ssize_t pl = p - R + c, pr = p + c;
            dl[c] = (pl >= 0 && pl < n) ? fabs(s[pl] - qi) : INFINITY;
            dr[c] = (pr >= 0 && pr < n) ? fabs(s[pr] - qi) : INFINITY;
        }
        Py_ssize_t k = 0;
        for (Py_ssize_t hi = R - 1; hi >= 0;) {
            Py_ssize_t lo = hi;
            while (lo > 0 && dl[lo - 1] == dl[hi])
                lo--;
            for (Py_ssize_t c = lo; c <= hi; c++)
                order[k++] = c;
            hi = lo - 1;
        }
        Py_ssize_t li = 0, ri = 0;
        double *d_out = dist + i * R;
        int64_t *c_out = cand + i * R;
        for (Py_ssize_t r = 0; r < R; r++) {
            Py_ssize_t at;
            if (ri >= R || (li < R && dl[order[li]] <= dr[ri])) {
                d_out[r] = dl[order[li]];
                at = p - R + order[li++];
            } else {
                d_out[r] = dr[ri];
                at = p + ri++;
            }
            c_out[r] = at < 0 ? 0 : (at > n - 1 ? n - 1 : at);
        }
    }
    free(dl);
    free(order);
    return 0;
}

PyDoc_STRVAR(nearest_sorted_doc,
"nearest_sorted(s, q, pos, r0, r1, dist, cand)\n\n"
"For query points r0:r1: the distances (dist, float64 (m, R)) and clamped positions (cand,\n"
"int64 (m, R)) of ranks 1..R among the candidates pos-R .. pos+R-1 of the ascending float64\n"
"points s, as a stable argsort of the candidate block orders them. q: float64 (m,); pos:\n"
"int64 (m,), searchsorted(s, q). Releases the GIL.");

static PyObject *nearest_sorted(PyObject *self, PyObject *args)
{
    PyObject *so, *qo, *po, *doo, *co;
    Py_ssize_t r0, r1;
    if (!PyArg_ParseTuple(args, "OOOnnOO", &so, &qo, &po, &r0, &r1, &doo, &co))
        return NULL;
    Py_buffer v[5];
    PyObject *bufs[5] = {so, qo, po, doo, co};
    const int integer[5] = {0, 0, 1, 0, 1};
    int got = 0, bad = 0;
    PyObject *result = NULL;
    for (; got < 5; got++) {
        int flags = PyBUF_C_CONTIGUOUS | PyBUF_FORMAT | (got >= 3 ? PyBUF_WRITABLE : 0);
        if (PyObject_GetBuffer(bufs[got], &v[got], flags) < 0)
            goto release;
        if (integer[got] ? !is_int64(&v[got]) : strcmp(v[got].format, "d") != 0)
            bad = 1;
    }
    Py_ssize_t n = v[0].len / 8, m = v[1].len / 8;
    Py_ssize_t R = m > 0 ? v[3].len / 8 / m : 0;
    if (bad || v[2].len != m * 8 || v[3].len != m * R * 8 || v[4].len != m * R * 8 || R < 1 ||
        r0 < 0 || r1 > m || r0 > r1) {
        PyErr_SetString(PyExc_ValueError, "nearest_sorted: arrays of the wrong dtype or size");
        goto release;
    }
    int status;
    Py_BEGIN_ALLOW_THREADS
    status = nearest_block(v[0].buf, n, v[1].buf, v[2].buf, r0, r1, R, v[3].buf, v[4].buf);
    Py_END_ALLOW_THREADS
    if (status < 0) {
        PyErr_NoMemory();
        goto release;
    }
    result = Py_NewRef(Py_None);
release:
    for (int k = 0; k < got; k++)
        PyBuffer_Release(&v[k]);
    return result;
}

static PyMethodDef methods[] = {
    {"reduce_rows", reduce_rows, METH_VARARGS, reduce_rows_doc},
    {"log", log_array, METH_VARARGS, log_doc},
    {"softmax_rows", softmax_rows, METH_VARARGS, softmax_rows_doc},
    {"nearest_sorted", nearest_sorted, METH_VARARGS, nearest_sorted_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_ckernels",
    "Optional compiled kernels of infoloss's NumPy route (see _numpy_kernels.py).", -1, methods,
};

PyMODINIT_FUNC PyInit__ckernels(void)
{
    pick_kernels();
    PyObject *mod = PyModule_Create(&module);
    if (mod && PyModule_AddStringConstant(mod, "isa", ISA) < 0) {
        Py_DECREF(mod);
        return NULL;
    }
    return mod;
}
