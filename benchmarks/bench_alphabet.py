"""Entropy from categories when the alphabet is, or is not, known: bias, RMSE and coverage.

Issue 12, section 1. For each cell (a distribution with a known entropy, a sample size n) and
``--reps`` seeded replicates (replicate r draws its counts with ``default_rng(r)``), every
candidate estimator sees the counts of one multinomial sample and the table prints its bias,
RMSE and the 95% coverage of ``value ± 1.96 stderr``, with the cell's mean share of singletons
among the observed categories (``f1/Kobs``) and among the draws (``f1/n``), the share of
replicates in which the estimate warns (``UndersampledWarning``) and the verdict for the
default: ``ok`` (coverage >= 0.90), ``warns`` (below, but warned in >= 95% of replicates),
``FAIL`` (neither).

Two tables:

- ``unknown``: the estimators see only the observed categories (the alphabet is unknown):
  today's NSB with K = the number of observed categories (``nsb_observed``), the Dirichlet-
  and Pitman–Yor-process mixtures (``dp``, ``pym``; Archer, Park & Pillow 2014), Chao, Wang &
  Jost (2013) with its bootstrap stderr (``chao_wang_jost``) and Chao–Shen (2003).
- ``known``: the estimators see all K cells, zeros included (``Samples(x, categories=...)`` or
  ``support=K``): NSB over K, the jackknife, Chao–Shen, Grassberger, James–Stein, Zhang.

Distributions: uniform over K = 100, 1000, 10^4; Zipf(1.1) and Zipf(2) over K = 10^3, 10^4
(p_k ∝ k^-s); geometric(0.01) (p_k = 0.01 · 0.99^k, truncated at k = 5000, tail mass 1.5e-22;
H = (−0.99 log 0.99 − 0.01 log 0.01)/0.01); Dirichlet(0.1) and Dirichlet(1) over K = 1000 (one
draw each, seeded 1 and 2: the truth is the entropy of that draw). n = 100, 10^3, 10^4, 10^5.

Run from the repository root::

    python benchmarks/bench_alphabet.py --quick   # 30 replicates, n <= 10^4 (~2 min)
    python benchmarks/bench_alphabet.py           # 100 replicates, n up to 10^5
    python benchmarks/bench_alphabet.py --table known --only zipf
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from collections.abc import Callable

import numpy as np

from infoloss.data._estimators import _counts

Estimator = Callable[[np.ndarray], tuple[float, float]]


def _zipf(s: float, k: int) -> np.ndarray:
    p = np.arange(1, k + 1, dtype=np.float64) ** -s
    return p / p.sum()


def distributions() -> dict[str, np.ndarray]:
    geom = 0.01 * 0.99 ** np.arange(5001, dtype=np.float64)
    return {
        "uniform K=100": np.full(100, 1e-2),
        "uniform K=1000": np.full(1000, 1e-3),
        "uniform K=10000": np.full(10000, 1e-4),
        "zipf1.1 K=1000": _zipf(1.1, 1000),
        "zipf1.1 K=10000": _zipf(1.1, 10000),
        "zipf2 K=1000": _zipf(2.0, 1000),
        "zipf2 K=10000": _zipf(2.0, 10000),
        "geometric(0.01)": geom / geom.sum(),
        "dirichlet0.1 K=1000": np.random.default_rng(1).dirichlet(np.full(1000, 0.1)),
        "dirichlet1 K=1000": np.random.default_rng(2).dirichlet(np.ones(1000)),
    }


def truth(name: str, p: np.ndarray) -> float:
    if name.startswith("geometric"):
        q = 0.01
        return float((-(1 - q) * np.log1p(-q) - q * np.log(q)) / q)
    pos = p[p > 0]
    return float(-(pos @ np.log(pos)))


def _observed(fn: Estimator) -> Estimator:
    return lambda c: fn(c[c > 0])


def candidates(table: str) -> dict[str, Estimator]:
    e = _counts.ENTROPY
    if table == "unknown":
        return {
            "nsb_observed": _observed(e["nsb"]),
            "dp": e["dp"],
            "pym": e["pym"],
            "chao_wang_jost": e["chao_wang_jost"],
            "chao_shen": e["chao_shen"],
            "default": lambda c: e[_counts.default_entropy(c[c > 0], known=False)](c[c > 0]),
        }
    return {
        "nsb": e["nsb"],
        "jackknife": e["jackknife"],
        "chao_shen": e["chao_shen"],
        "grassberger": e["grassberger"],
        "james_stein": e["james_stein"],
        "zhang": e["zhang"],
        "default": lambda c: e[_counts.default_entropy(c, known=True)](c),
    }


def run_cell(
    p: np.ndarray, h: float, n: int, reps: int, methods: dict[str, Estimator]
) -> tuple[dict[str, tuple[float, float, float]], float, float, float]:
    est = {m: np.empty((reps, 2)) for m in methods}
    f1_k, f1_n, warned = np.empty(reps), np.empty(reps), np.empty(reps)
    known = "nsb" in methods
    for r in range(reps):
        c = np.random.default_rng(r).multinomial(n, p).astype(np.float64)
        pos = c[c > 0]
        f1 = np.count_nonzero(pos == 1)
        f1_k[r], f1_n[r] = f1 / pos.size, f1 / n
        warned[r] = _counts.undersampled(c if known else pos, known=known) is not None
        for m, fn in methods.items():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                est[m][r] = fn(c)
    out = {}
    for m, a in est.items():
        err = a[:, 0] - h
        cover = np.abs(err) <= 1.96 * a[:, 1]
        out[m] = (float(np.mean(err)), float(np.sqrt(np.mean(err**2))), float(np.mean(cover)))
    return out, float(f1_k.mean()), float(f1_n.mean()), float(warned.mean())


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="30 replicates, n <= 10^4")
    ap.add_argument("--reps", type=int, default=None)
    ap.add_argument("--table", choices=("unknown", "known", "both"), default="both")
    ap.add_argument("--only", default="", help="cells whose name contains this")
    ap.add_argument("--n", default=None, help="comma-separated sample sizes")
    args = ap.parse_args(argv)
    reps = args.reps or (30 if args.quick else 100)
    sizes = (
        [int(float(v)) for v in args.n.split(",")]
        if args.n
        else ([100, 1000, 10000] if args.quick else [100, 1000, 10000, 100000])
    )
    tables = ("unknown", "known") if args.table == "both" else (args.table,)
    for table in tables:
        methods = candidates(table)
        print(f"\n## alphabet {table}: bias / RMSE / 95% coverage, {reps} replicates per cell")
        print(
            f"{'cell':<22}{'n':>7}{'H':>7}{'f1/Kobs':>8}{'f1/n':>6}  "
            + "".join(f"{m:>22}" for m in methods)
            + "  warn verdict"
        )
        summary: dict[str, list[tuple[float, float, float, float]]] = {m: [] for m in methods}
        for name, p in distributions().items():
            if args.only and args.only not in name:
                continue
            h = truth(name, p)
            for n in sizes:
                t0 = time.perf_counter()
                res, fk, fn_, warn = run_cell(p, h, n, reps, methods)
                cols = "".join(f"{b:>+8.3f}{r:>7.3f}{c:>7.2f}" for b, r, c in res.values())
                verdict = "ok" if res["default"][2] >= 0.9 else "warns" if warn >= 0.95 else "FAIL"
                head = f"{name:<22}{n:>7}{h:>7.3f}{fk:>8.2f}{fn_:>6.2f}"
                print(f"{head}  {cols}{warn:>6.2f} {verdict}", flush=True)
                print(f"  ({time.perf_counter() - t0:.1f} s)", file=sys.stderr)
                for m, (b, r, c) in res.items():
                    summary[m].append((b, r, c, h))
        print(
            f"\n{'method':<16}{'cells cov>=0.90':>16}{'min cov':>9}{'pooled cov':>11}"
            f"{'mean |bias|':>12}{'mean RMSE/H':>12}"
        )
        for m, rows in summary.items():
            a = np.array(rows)
            print(
                f"{m:<16}{int(np.sum(a[:, 2] >= 0.9)):>10} / {len(a):<4}{a[:, 2].min():>9.2f}"
                f"{a[:, 2].mean():>11.3f}{np.abs(a[:, 0]).mean():>12.3f}"
                f"{np.mean(a[:, 1] / a[:, 3]):>12.4f}"
            )


if __name__ == "__main__":
    main()
