"""Are the estimates from data honest? Coverage and warnings on a grid of cases with known truths.

Issue 12's measure of done: on a grid of cases (d = 1 ... 10, n = 100 ... 10^5, power laws,
heavy tails, undersampled alphabets), every cell's 95% interval (``est.interval(0.95)``) covers
the truth in at least 90% of replicates, or the estimate warns (an ``infoloss.EstimateWarning``:
undersampled alphabet, bias, heavy tails) in at least 95% of them. Never silent and wrong.

For each cell and ``--reps`` seeded replicates (replicate r draws with ``default_rng(r)``) the
table prints the truth, the mean error (bias), the RMSE, the mean reported standard error over
the RMSE (``se/rmse``: near 1 when the stderr describes the error), the 95% coverage, the share
of replicates that warned, and the verdict: ``ok`` (coverage >= 0.90), ``warns`` (coverage
below but warned in >= 95%), ``FAIL`` (neither). Peers, where installed (see
``benchmarks/requirements-honesty.txt``), get their bias and RMSE on the same draws (they
report no standard error): infomeasure's Chao–Wang–Jost and NSB for discrete entropies,
infomeasure's Kozachenko–Leonenko (``approach="metric"``, k = 4) and SciPy's
``differential_entropy`` (1-D) for continuous ones. ndd (NSB with an unknown alphabet) does not
build here (it needs a Fortran compiler): issue 12 quotes its figures.

Truths: closed forms (uniform, geometric, Zipf by summation, Gaussian entropies and KL, the
Student t entropy from SciPy) and numerical integration (``scipy.integrate.quad``) for KL(t_3 ‖
N(0, 1)).

Run from the repository root::

    python benchmarks/bench_honesty.py --quick      # 20 replicates, the cheaper cells (~3 min)
    python benchmarks/bench_honesty.py              # 100 replicates, every cell
    python benchmarks/bench_honesty.py --only knn   # the cells whose name contains "knn"
    python benchmarks/bench_honesty.py --csv docs/user_guide/honesty.csv  # the docs' table

``--csv PATH`` also writes the table (cell, the default method, truth, bias, RMSE, se/RMSE,
coverage, warned, verdict) for the documentation's decision table.
"""

from __future__ import annotations

import argparse
import logging
import math
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import integrate, special, stats

import infoloss as il

try:
    import infomeasure as _im

    logging.getLogger("infomeasure").setLevel(logging.ERROR)  # its notes per call
except Exception:  # a missing peer is a blank column, not a crash
    _im = None

Gen = np.random.Generator
LOG_2PI_E = math.log(2 * math.pi * math.e)


@dataclass
class Cell:
    name: str
    truth: float
    run: Callable[[Gen], Any]  # one replicate: the infoloss Estimate
    peers: dict[str, Callable[[Gen], float]]
    cost: int = 1  # 1 cheap, 2 skipped by --quick


# ------------------------------------------------------------------------------- truths
def geometric_entropy(p: float) -> float:
    """Entropy of the geometric distribution on {1, 2, ...}: H = h(p) / p, h binary."""
    return (-(1 - p) * math.log1p(-p) - p * math.log(p)) / p


def zipf_probs(s: float, K: int) -> np.ndarray[Any, Any]:
    w = np.arange(1, K + 1, dtype=float) ** -s
    return w / w.sum()


def entropy_of(p: np.ndarray[Any, Any]) -> float:
    return float(-np.sum(special.xlogy(p, p)))


def ar_cov(d: int, rho: float) -> np.ndarray[Any, Any]:
    i = np.arange(d)
    return rho ** np.abs(i[:, None] - i[None, :])


def gauss_entropy(cov: np.ndarray[Any, Any]) -> float:
    d = cov.shape[0]
    return 0.5 * (d * LOG_2PI_E + np.linalg.slogdet(cov)[1])


def gauss_kl(c0: np.ndarray[Any, Any], c1: np.ndarray[Any, Any]) -> float:
    """KL(N(0, c0) ‖ N(0, c1)) = (tr(c1⁻¹ c0) - d + log det c1 - log det c0) / 2."""
    d = c0.shape[0]
    return 0.5 * (
        np.trace(np.linalg.solve(c1, c0)) - d + np.linalg.slogdet(c1)[1] - np.linalg.slogdet(c0)[1]
    )


def kl_t3_normal() -> float:
    t3, nrm = stats.t(3), stats.norm()
    f = lambda x: t3.pdf(x) * (t3.logpdf(x) - nrm.logpdf(x))  # noqa: E731
    return sum(integrate.quad(f, a, b, limit=200)[0] for a, b in ((-np.inf, 0), (0, np.inf)))


# ------------------------------------------------------------------------------ peers
def _im_entropy(approach: str, **kw: Any) -> Callable[[Any], float] | None:
    if _im is None:
        return None
    return lambda x: float(_im.entropy(x, approach=approach, base="e", **kw))


def _peers(kind: str) -> dict[str, Callable[[Any], float]]:
    out: dict[str, Callable[[Any], float] | None] = {}
    if kind == "discrete":
        out = {"im-cwj": _im_entropy("chao_wang_jost"), "im-nsb": _im_entropy("nsb")}
    elif kind == "continuous-1d":
        out = {"scipy": lambda x: float(stats.differential_entropy(np.ravel(x)))}
    elif kind == "continuous":
        out = {"im-kl": _im_entropy("metric", k=4)}
    return {k: v for k, v in out.items() if v is not None}


# -------------------------------------------------------------------------------- grid
def _discrete_entropy(name: str, draw: Callable[[Gen], Any], truth: float) -> Cell:
    peers = {k: (lambda g, f=f: f(draw(g))) for k, f in _peers("discrete").items()}
    return Cell(name, truth, lambda g: il.entropy(il.Samples(draw(g))), peers)


def _continuous_entropy(
    name: str, draw: Callable[[Gen], Any], truth: float, cost: int = 1
) -> Cell:
    kind = "continuous-1d" if name.split("d=")[1].startswith("1 ") else "continuous"
    peers = {k: (lambda g, f=f: f(draw(g))) for k, f in _peers(kind).items()}
    return Cell(name, truth, lambda g: il.entropy(il.Samples(draw(g))), peers, cost)


def grid() -> list[Cell]:
    cells: list[Cell] = []
    # undersampled and power-law alphabets, alphabet size not given
    for K, n in ((10_000, 2_000), (1_000, 200), (100, 1_000), (10, 1_000)):
        cells.append(
            _discrete_entropy(
                f"entropy uniform K={K} n={n}",
                lambda g, K=K, n=n: g.integers(0, K, n),
                math.log(K),
            )
        )
    cells.append(
        _discrete_entropy(
            "entropy geometric(0.01) n=100",
            lambda g: g.geometric(0.01, 100),
            geometric_entropy(0.01),
        )
    )
    for s, K, n in ((1.1, 10_000, 1_000), (1.1, 10_000, 100_000), (2.0, 1_000, 1_000)):
        p = zipf_probs(s, K)
        cells.append(
            _discrete_entropy(
                f"entropy zipf({s}) K={K} n={n}",
                lambda g, p=p, n=n: g.choice(p.size, size=n, p=p),
                entropy_of(p),
            )
        )
    # continuous: Gaussians in d = 1 ... 10, a correlated one, heavy tails, too few points
    for d, n in ((1, 1_000), (3, 1_000), (5, 10_000), (10, 5_000), (10, 100)):
        cells.append(
            _continuous_entropy(
                f"knn entropy N(0,I) d={d} n={n}",
                lambda g, d=d, n=n: g.normal(size=(n, d)),
                gauss_entropy(np.eye(d)),
            )
        )
    cov = ar_cov(10, 0.9)
    chol = np.linalg.cholesky(cov)
    cells.append(
        _continuous_entropy(
            "knn entropy N(0,AR(0.9)) d=10 n=50000",
            lambda g: g.normal(size=(50_000, 10)) @ chol.T,
            gauss_entropy(cov),
            cost=2,
        )
    )
    cells.append(
        _continuous_entropy(
            "knn entropy t3 d=1 n=10000",
            lambda g: g.standard_t(3, 10_000),
            float(stats.t(3).entropy()),
        )
    )
    cells.append(
        _continuous_entropy(
            "knn entropy N(0,I) d=10 n=6",
            lambda g: g.normal(size=(6, 10)),
            gauss_entropy(np.eye(10)),
        )
    )
    # two-sample KL: anisotropic Gaussians, heavy-tailed P against light-tailed Q
    for d, n in ((3, 10_000), (10, 10_000), (1, 1_000)):
        c0 = np.diag(np.linspace(0.5, 2.0, d))
        l0 = np.linalg.cholesky(c0)
        cells.append(
            Cell(
                f"knn kl N(0,aniso)||N(0,I) d={d} n=m={n}",
                gauss_kl(c0, np.eye(d)),
                lambda g, d=d, n=n, l0=l0: il.kl_divergence(
                    il.Samples(g.normal(size=(n, d)) @ l0.T), il.Samples(g.normal(size=(n, d)))
                ),
                {},
                2 if n * d > 30_000 else 1,
            )
        )
    kl_t = kl_t3_normal()
    cells.append(
        Cell(
            "knn kl t3||N(0,1) n=m=10000",
            kl_t,
            lambda g: il.kl_divergence(
                il.Samples(g.standard_t(3, 10_000)), il.Samples(g.normal(size=10_000))
            ),
            {},
        )
    )
    # data against a model: the NLL route (heavy tails: no fourth moment of the NLL)
    for n in (1_000, 10_000):
        cells.append(
            Cell(
                f"model kl Samples(t3)||Normal(0,1) n={n}",
                kl_t,
                lambda g, n=n: il.kl_divergence(
                    il.Samples(g.standard_t(3, n)), il.Normal(0.0, 1.0)
                ),
                {},
            )
        )
    cells.append(
        Cell(
            "model ce Samples(N)||Normal(0,1) n=1000",
            0.5 * LOG_2PI_E,
            lambda g: il.cross_entropy(il.Samples(g.normal(size=1_000)), il.Normal(0.0, 1.0)),
            {},
        )
    )
    # JS: undersampled discrete, far apart, identical distributions in high dimension
    p = np.random.default_rng(12345).dirichlet(np.ones(100))
    q = 0.5 * p + 0.5 * np.random.default_rng(54321).dirichlet(np.ones(100))
    m = (p + q) / 2
    js_pq = entropy_of(m) - (entropy_of(p) + entropy_of(q)) / 2
    cells.append(
        Cell(
            "counts js K=100 n=m=200",
            js_pq,
            lambda g: il.js_divergence(
                il.Samples(g.choice(100, 200, p=p)), il.Samples(g.choice(100, 200, p=q))
            ),
            {},
        )
    )
    cells.append(
        Cell(
            "knn js same N(0,I) d=50 n=m=200",
            0.0,
            lambda g: il.js_divergence(
                il.Samples(g.normal(size=(200, 50))), il.Samples(g.normal(size=(200, 50)))
            ),
            {},
        )
    )
    return cells


# ---------------------------------------------------------------------------------- run
def run_cell(cell: Cell, reps: int) -> dict[str, Any]:
    errs, ses, covered, warned, methods = [], [], 0, 0, set()
    peer_errs: dict[str, list[float]] = {k: [] for k in cell.peers}
    failed = ""
    for r in range(reps):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                est = cell.run(np.random.default_rng(r))
            except Exception as exc:  # an estimate that refuses is reported, not fatal
                failed = f"{type(exc).__name__}: {exc}"[:70]
                break
        warned += any(issubclass(w.category, il.EstimateWarning) for w in caught)
        methods.add(est.method)
        v, se = float(est), float(np.asarray(est.stderr))
        lo, hi = (float(np.asarray(b)) for b in est.interval(0.95))
        errs.append(v - cell.truth)
        ses.append(se)
        covered += lo <= cell.truth <= hi
        for k, f in cell.peers.items():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                try:
                    peer_errs[k].append(f(np.random.default_rng(r)) - cell.truth)
                except Exception:  # a peer that refuses a case gets NaN there
                    peer_errs[k].append(math.nan)
    if failed:
        return {"failed": failed}
    e = np.asarray(errs)
    rmse = float(np.sqrt(np.mean(e**2)))
    cov, warn = covered / reps, warned / reps
    verdict = "ok" if cov >= 0.90 else "warns" if warn >= 0.95 else "FAIL"
    peers = {
        k: (float(np.mean(v)), float(np.sqrt(np.mean(np.square(v))))) for k, v in peer_errs.items()
    }
    return {
        "bias": float(e.mean()),
        "rmse": rmse,
        "se/rmse": float(np.mean(ses)) / rmse if rmse > 0 else math.nan,
        "coverage": cov,
        "warned": warn,
        "verdict": verdict,
        "peers": peers,
        "method": "/".join(sorted(methods)),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="20 replicates, cheap cells only")
    ap.add_argument("--reps", type=int, default=None, help="replicates per cell (default 100)")
    ap.add_argument("--only", default="", help="run the cells whose name contains this text")
    ap.add_argument("--csv", default="", help="also write the table to this CSV file")
    args = ap.parse_args(argv)
    reps = args.reps or (20 if args.quick else 100)
    cells = [c for c in grid() if args.only in c.name and not (args.quick and c.cost > 1)]
    print(f"infoloss {il.__version__}, numpy {np.__version__}, {reps} replicates per cell")
    print(f"peers: infomeasure {'yes' if _im else 'not installed'}; scipy differential_entropy")
    head = (
        f"{'cell':44s} {'truth':>8s} {'bias':>8s} {'rmse':>7s} {'se/rmse':>7s} {'cover':>5s} "
        f"{'warn':>5s} verdict  peers (bias/rmse)"
    )
    print(head)
    print("-" * len(head))
    fails = 0
    rows: list[list[str]] = []
    for cell in cells:
        t0 = time.perf_counter()
        res = run_cell(cell, reps)
        dt = time.perf_counter() - t0
        if "failed" in res:
            print(f"{cell.name:44s} {cell.truth:8.4f}  raised {res['failed']}")
            fails += 1
            continue
        peers = "  ".join(f"{k} {b:+.3f}/{r:.3f}" for k, (b, r) in res["peers"].items())
        print(
            f"{cell.name:44s} {cell.truth:8.4f} {res['bias']:+8.4f} {res['rmse']:7.4f} "
            f"{res['se/rmse']:7.2f} {res['coverage']:5.2f} {res['warned']:5.2f} "
            f"{res['verdict']:7s}  "
            f"{peers}  ({dt:.0f}s)",
            flush=True,
        )
        fails += res["verdict"] == "FAIL"
        numbers = (cell.truth, res["bias"], res["rmse"], res["se/rmse"], res["coverage"])
        fmt = ("{:.4f}", "{:+.4f}", "{:.4f}", "{:.2f}", "{:.2f}")
        shown = [f.format(x) for f, x in zip(fmt, numbers, strict=True)]
        rows.append([cell.name, res["method"], *shown, f"{res['warned']:.2f}", res["verdict"]])
    print(f"\n{fails} of {len(cells)} cells FAIL (coverage < 0.90 and warned in < 95%)")
    if args.csv:
        import csv

        with open(args.csv, "w", newline="") as f:
            w = csv.writer(f)
            head = ["cell", "method", "truth", "bias", "RMSE", "se/RMSE", "coverage"]
            w.writerow([*head, "warned", "verdict"])
            w.writerows(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
