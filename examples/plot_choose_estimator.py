"""
Choosing an entropy estimator
=============================

With few draws for the size of the alphabet, the plug-in entropy (the entropy of the
histogram) is biased low: categories not yet seen count as impossible. This example measures
bias, root mean squared error and the coverage of the 95% intervals of several estimators, on
replicated draws from a known distribution over :math:`K = 100` categories. It is a small
version of the grids in the repository's ``benchmarks/`` (``bench_honesty.py``).
"""

import warnings

import matplotlib.pyplot as plt
import numpy as np

import infoloss as il

K = 100
rng = np.random.default_rng(0)
p = rng.dirichlet(np.full(K, 0.5))  # an uneven distribution
truth = float(il.entropy(p))
print(f"true entropy {truth:.4f} nats (log K = {np.log(K):.4f})")

ns = [50, 200, 1000]
reps = 30
methods = {  # label: (method, alphabet given?)
    "plugin": ("plugin", False),
    "miller_madow": ("miller_madow", False),
    "chao_shen": ("chao_shen", False),
    "chao_wang_jost (default, K unknown)": ("chao_wang_jost", False),
    "nsb (default, K known)": ("nsb", True),
}
results = {label: {"bias": [], "rmse": [], "cover": []} for label in methods}
with warnings.catch_warnings():
    warnings.simplefilter("ignore", il.InfolossWarning)  # the undersampled regime, on purpose
    for n in ns:
        draws = [rng.choice(K, size=n, p=p) for _ in range(reps)]
        for label, (method, known) in methods.items():
            est = [
                il.entropy(
                    il.Samples(x, categories=range(K)) if known else il.Samples(x),
                    method=method,
                    rng=0,
                )
                for x in draws
            ]
            v = np.array([float(e) for e in est])
            inside = [lo <= truth <= hi for lo, hi in (e.interval(0.95) for e in est)]
            results[label]["bias"].append(v.mean() - truth)
            results[label]["rmse"].append(np.sqrt(np.mean((v - truth) ** 2)))
            results[label]["cover"].append(np.mean(inside))

# %%
# The table, measured just now (30 replicates per cell: a coverage is known to about ±0.08):
print(f"{'estimator':36s} " + " ".join(f"{'n=' + str(n):>22s}" for n in ns))
print(f"{'':36s} " + " ".join(f"{'bias   rmse  cover':>22s}" for _ in ns))
for label, r in results.items():
    cells = [
        f"{b:+.3f} {e:6.3f} {c:6.2f}"
        for b, e, c in zip(r["bias"], r["rmse"], r["cover"], strict=True)
    ]
    print(f"{label:36s} " + " ".join(f"{c:>22s}" for c in cells))

# %%
fig, (a1, a2) = plt.subplots(1, 2, figsize=(8, 3.4))
for label, r in results.items():
    a1.plot(ns, r["bias"], "o-", label=label)
    a2.plot(ns, r["cover"], "o-", label=label)
a1.axhline(0, color="k", lw=0.8)
a1.set_xscale("log")
a1.set_xlabel("draws n")
a1.set_ylabel("mean bias, nats")
a2.axhline(0.95, color="k", lw=0.8)
a2.set_xscale("log")
a2.set_xlabel("draws n")
a2.set_ylabel("coverage of the 95% interval")
a2.set_ylim(0, 1.02)
a1.legend(frameon=False, fontsize=7)
fig.tight_layout()
plt.show()
