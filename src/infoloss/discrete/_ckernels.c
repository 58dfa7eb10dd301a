/*
 * infoloss._ckernels: the optional fast core of the NumPy route.
 *
 * One pass over each row does everything the measure needs: the sum of its terms, the row sums
 * of p and q and their minima (for validation and NaN propagation). The log is evaluated by an
 * inline, branch-free routine so the compiler can vectorise the loop (the C library's scalar
 * log is the bottleneck of NumPy's own expression). Terms accumulate in double, float32 input
 * included, in chunks of CHUNK elements summed into a row total.
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
 * q log(2q / (p + q)); every term with p == 0 (resp. q == 0) is exactly 0 (0 log 0 = 0).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK 1024

/* On x86-64 with GCC or Clang, every loop is compiled twice, for AVX2 + FMA and for the
 * baseline, and the module picks one at import from what the processor supports. */
#if (defined(__GNUC__) || defined(__clang__)) && defined(__x86_64__)
#define IL_DISPATCH 1
#define IL_FAST __attribute__((target("avx2,fma")))
#else
#define IL_DISPATCH 0
#define IL_FAST
#endif

#if defined(_OPENMP) || defined(IL_OPENMP_SIMD)
#define IL_SIMD_REDUCE _Pragma("omp simd reduction(+ : acc, sp, sq) reduction(min : mp, mq)")
#define IL_SIMD _Pragma("omp simd")
#else
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

/* term of each measure, on doubles; zero exactly where the weight is zero */
#define TERM_ENTROPY(p, q) ((p) != 0.0 ? (p) * il_log(p) : 0.0)
#define TERM_CROSS(p, q) ((p) != 0.0 ? (p) * il_log(q) : 0.0)
#define TERM_KL(p, q) ((p) != 0.0 ? (p) * il_log((p) / (q)) : 0.0)
#define TERM_JS(p, q)                                                                       \
    (((p) != 0.0 ? (p) * il_log((2.0 * (p)) / ((p) + (q))) : 0.0) +                        \
     ((q) != 0.0 ? (q) * il_log((2.0 * (q)) / ((p) + (q))) : 0.0))

typedef struct {
    const char *p, *q;        /* row 0 of p and q */
    Py_ssize_t ps, qs;        /* row strides in bytes (0 when broadcast) */
    Py_ssize_t n;             /* outcomes per row */
    double *out, *sp, *sq, *mp, *mq;
} Job;

#define DEFINE_ROWS(NAME, T, TERM, ATTR)                                                    \
    ATTR static void NAME(const Job *job, Py_ssize_t r0, Py_ssize_t r1)                     \
    {                                                                                       \
        for (Py_ssize_t i = r0; i < r1; i++) {                                              \
            const T *p = (const T *)(job->p + i * job->ps);                                 \
            const T *q = job->q ? (const T *)(job->q + i * job->qs) : p;                    \
            double total = 0.0, tsp = 0.0, tsq = 0.0, mp = INFINITY, mq = INFINITY;         \
            for (Py_ssize_t j0 = 0; j0 < job->n; j0 += CHUNK) {                             \
                Py_ssize_t j1 = j0 + CHUNK < job->n ? j0 + CHUNK : job->n;                  \
                double acc = 0.0, sp = 0.0, sq = 0.0;                                       \
                IL_SIMD_REDUCE                                                              \
                for (Py_ssize_t j = j0; j < j1; j++) {                                      \
                    double pv = (double)p[j], qv = (double)q[j];                            \
                    acc += TERM(pv, qv);                                                    \
                    sp += pv;                                                               \
                    sq += qv;                                                               \
                    mp = pv < mp ? pv : mp;                                                 \
                    mq = qv < mq ? qv : mq;                                                 \
                }                                                                           \
                total += acc;                                                               \
                tsp += sp;                                                                  \
                tsq += sq;                                                                  \
            }                                                                               \
            job->out[i] = total;                                                            \
            job->sp[i] = tsp;                                                               \
            job->sq[i] = tsq;                                                               \
            job->mp[i] = mp;                                                                \
            job->mq[i] = mq;                                                                \
        }                                                                                   \
    }

#define DEFINE_ALL(SUFFIX, ATTR)                                                            \
    DEFINE_ROWS(rows_entropy_d##SUFFIX, double, TERM_ENTROPY, ATTR)                         \
    DEFINE_ROWS(rows_cross_d##SUFFIX, double, TERM_CROSS, ATTR)                             \
    DEFINE_ROWS(rows_kl_d##SUFFIX, double, TERM_KL, ATTR)                                   \
    DEFINE_ROWS(rows_js_d##SUFFIX, double, TERM_JS, ATTR)                                   \
    DEFINE_ROWS(rows_entropy_f##SUFFIX, float, TERM_ENTROPY, ATTR)                          \
    DEFINE_ROWS(rows_cross_f##SUFFIX, float, TERM_CROSS, ATTR)                              \
    DEFINE_ROWS(rows_kl_f##SUFFIX, float, TERM_KL, ATTR)                                    \
    DEFINE_ROWS(rows_js_f##SUFFIX, float, TERM_JS, ATTR)                                    \
    ATTR static void log_loop##SUFFIX(const double *x, double *y, Py_ssize_t n)             \
    {                                                                                       \
        IL_SIMD                                                                             \
        for (Py_ssize_t i = 0; i < n; i++)                                                  \
            y[i] = il_log(x[i]);                                                            \
    }

DEFINE_ALL(_base, )
#if IL_DISPATCH
DEFINE_ALL(_fast, IL_FAST)
#endif

typedef void (*RowsFn)(const Job *, Py_ssize_t, Py_ssize_t);
typedef void (*LogFn)(const double *, double *, Py_ssize_t);
static const char *MEASURES[] = {"entropy", "cross_entropy", "kl_divergence", "js_divergence"};
static RowsFn ROWS_D[] = {rows_entropy_d_base, rows_cross_d_base, rows_kl_d_base, rows_js_d_base};
static RowsFn ROWS_F[] = {rows_entropy_f_base, rows_cross_f_base, rows_kl_f_base, rows_js_f_base};
static LogFn LOG = log_loop_base;
static const char *ISA = "baseline";

/* INFOLOSS_DISABLE_CPU_FEATURES, like NumPy's NPY_DISABLE_CPU_FEATURES: naming AVX2 or FMA
 * (any case, any separator) holds the kernels to the baseline, e.g. to test that results do not
 * depend on the processor's SIMD level. */
static int fast_disabled(void)
{
    const char *env = getenv("INFOLOSS_DISABLE_CPU_FEATURES");
    char buf[256];
    size_t i;
    if (!env)
        return 0;
    for (i = 0; env[i] && i < sizeof buf - 1; i++)
        buf[i] = (char)toupper((unsigned char)env[i]);
    buf[i] = '\0';
    return strstr(buf, "AVX2") != NULL || strstr(buf, "FMA") != NULL;
}

static void pick_kernels(void)
{
#if IL_DISPATCH
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && !fast_disabled()) {
        RowsFn d[] = {rows_entropy_d_fast, rows_cross_d_fast, rows_kl_d_fast, rows_js_d_fast};
        RowsFn f[] = {rows_entropy_f_fast, rows_cross_f_fast, rows_kl_f_fast, rows_js_f_fast};
        memcpy(ROWS_D, d, sizeof d);
        memcpy(ROWS_F, f, sizeof f);
        LOG = log_loop_fast;
        ISA = "avx2+fma";
    }
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
    for (int k = 0; k < 4; k++)
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

static PyMethodDef methods[] = {
    {"reduce_rows", reduce_rows, METH_VARARGS, reduce_rows_doc},
    {"log", log_array, METH_VARARGS, log_doc},
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
