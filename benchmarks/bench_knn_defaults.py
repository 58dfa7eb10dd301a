"""Which kNN rank weights should be the default? Bias and RMSE of entropy and KL estimates.

Grid (issue 12): d = 1, 2, 3, 5, 10; n = 100, 1,000, 10,000, 50,000 (``--quick``: 100, 1,000,
5,000); four distributions whose entropy is known in closed form:

- ``normal``:  N(0, I_d), H = d/2 log(2πe);
- ``ar0.9``:   N(0, Σ), Σ_ij = 0.9^|i-j|, H = d/2 log(2πe) + (d - 1)/2 log(1 - 0.81);
- ``t3``:      d independent Student t_3 coordinates, H = d · H(t_3) (SciPy's closed form);
- ``uniform``: the unit cube [0, 1]^d, H = 0.

Every method is evaluated on the same seeded draws (seed = 1000 · cell index + draw), from one
neighbour search per draw (ranks 1..10): the estimate with weights w over ranks is

    Ĥ_w = ψ(n) − Σ_j w_j ψ(j) + log V_d + d/n Σ_i Σ_j w_j log ρ_j(i),

the formula of `infoloss.data._estimators._knn` (the ``default`` column is checked against
``ENTROPY[DEFAULT_ENTROPY]`` on the first draw of every cell). Methods: ``kl1`` .. ``kl10``
(plain Kozachenko–Leonenko with that rank), ``bsy5`` / ``bsy10`` (the full Berrett–Samworth–
Yuan correction of the n^{-2/d} term over ranks 1..5, the old default for d >= 4, or 1..10),
``s0.25_K`` / ``s0.5_K`` (a quarter or half of that correction over ranks 1..K, K = 3, 5,
10: (1 − λ) e_K + λ w_BSY) and ``default`` (what the library does now: the plain ranks 5, 5, 3
for d = 1, 2, 3; ``s0.5_5`` for d >= 4); in d = 1 also the spacing estimators
``vasicek`` and ``ebrahimi``. "best" is the method of least RMSE among all those; ``ratio``
is the default's RMSE over the best's (the issue asks for <= 1.2), ``excess`` their difference.

Then the same for two-sample KL(P‖Q), P = N(0, I_d), Q = N(0.5·1, I_d) (KL = d/8), n = m:
``wkv`` (rank 3), ``default`` (the library's "bsy") and ``bsy5`` in d = 1, 3, 10.

Run from the repository root::

    python benchmarks/bench_knn_defaults.py            # full grid (about 10 minutes, 1 core)
    python benchmarks/bench_knn_defaults.py --quick    # smaller n and fewer draws (~1 minute)
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from typing import Any

import numpy as np
import scipy.stats
from scipy.spatial import cKDTree
from scipy.special import digamma

from infoloss.data._estimators import _knn, _knn_formulas

KMAX = 10
DIMS = (1, 2, 3, 5, 10)
DISTS = ("normal", "ar0.9", "t3", "uniform")


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# ------------------------------------------------------------------------------ the grid
def draw(dist: str, n: int, d: int, rng: np.random.Generator) -> np.ndarray[Any, Any]:
    if dist == "normal":
        return rng.standard_normal((n, d))
    if dist == "ar0.9":
        z = rng.standard_normal((n, d))
        x = np.empty_like(z)
        x[:, 0] = z[:, 0]
        for j in range(1, d):  # stationary AR(1): unit variance, lag-l correlation 0.9^l
            x[:, j] = 0.9 * x[:, j - 1] + math.sqrt(1 - 0.81) * z[:, j]
        return x
    if dist == "t3":
        return rng.standard_t(3, (n, d))
    return rng.uniform(0.0, 1.0, (n, d))


def truth(dist: str, d: int) -> float:
    gauss = d / 2 * math.log(2 * math.pi * math.e)
    if dist == "normal":
        return gauss
    if dist == "ar0.9":
        return gauss + (d - 1) / 2 * math.log(1 - 0.81)
    if dist == "t3":
        return d * float(scipy.stats.t(3).entropy())
    return 0.0


def methods(d: int) -> dict[str, np.ndarray[Any, Any]]:
    """Weight vectors over ranks 1..KMAX, by name."""

    def pad(w: Any) -> np.ndarray[Any, Any]:
        out = np.zeros(KMAX)
        out[: len(w)] = w
        return out

    table = {f"kl{k}": pad(_knn_formulas._unit(k)) for k in range(1, KMAX + 1)}
    one = _knn_formulas._bsy_weights if hasattr(_knn_formulas, "_bsy_weights") else None
    if d >= 2 and one is not None:
        table["bsy5"] = pad(one(d, 5, 1))
        table["bsy10"] = pad(one(d, 10, 1))
        for lam in (0.25, 0.5):  # shrunk towards the plain estimator of the top rank
            for K in (3, 5, 10):
                bsy = table[f"bsy{K}"] if K != 3 else pad(one(d, 3, 1))
                table[f"s{lam:g}_{K}"] = (1 - lam) * table[f"kl{K}"] + lam * bsy
    table["default"] = pad(_knn_formulas._weights(d, _knn._default_bsy_k(d)))
    return table


def log_distances(x: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    dist, _ = cKDTree(x).query(x, k=list(range(2, KMAX + 2)))
    out: np.ndarray[Any, Any] = x.shape[1] * np.log(dist)
    return out


def estimate(la: np.ndarray[Any, Any], w: np.ndarray[Any, Any], d: int) -> float:
    n = la.shape[0]
    psi = float(w @ digamma(np.arange(1, KMAX + 1)))
    return float((la @ w).mean()) + float(digamma(n)) - psi + _knn_formulas._log_ball(d)


def entropy_cell(
    dist: str, d: int, n: int, draws: int, cell: int
) -> dict[str, tuple[float, float]]:
    table = methods(d)
    errs: dict[str, list[float]] = {name: [] for name in table}
    if d == 1:
        errs.update(vasicek=[], ebrahimi=[])
    h = truth(dist, d)
    for s in range(draws):
        x = draw(dist, n, d, np.random.default_rng(1000 * cell + s))
        la = log_distances(x)
        for name, w in table.items():
            errs[name].append(estimate(la, w, d) - h)
        if s == 0:  # the grid's formula is the library's
            lib = _knn.ENTROPY[_knn.DEFAULT_ENTROPY](x, None, None)[0] - h
            assert abs(lib - errs["default"][0]) < 1e-9, (lib, errs["default"][0])
        if d == 1:
            for name in ("vasicek", "ebrahimi"):
                errs[name].append(_knn.ENTROPY[name](x, None, None)[0] - h)
    return {
        name: (float(np.mean(e)), float(np.sqrt(np.mean(np.square(e)))))
        for name, e in errs.items()
    }


def kl_cell(d: int, n: int, draws: int, cell: int) -> dict[str, tuple[float, float]]:
    true_kl = d / 8
    w3 = _knn_formulas._unit(3)
    table = {"wkv": np.concatenate([w3, np.zeros(KMAX - 3)])}
    table["kl3"] = table["wkv"]
    table["default"] = np.zeros(KMAX)
    wd = _knn_formulas._weights(d, _knn._default_bsy_k(d))
    table["default"][: len(wd)] = wd
    if d >= 2 and hasattr(_knn_formulas, "_bsy_weights"):
        table["bsy5"] = np.zeros(KMAX)
        table["bsy5"][:5] = _knn_formulas._bsy_weights(d, 5, 1)
    errs: dict[str, list[float]] = {name: [] for name in table}
    for s in range(draws):
        rng = np.random.default_rng(1000 * cell + s)
        x, y = rng.standard_normal((n, d)), rng.standard_normal((n, d)) + 0.5
        la = log_distances(x)
        nu, _ = cKDTree(y).query(x, k=list(range(1, KMAX + 1)))
        lb = d * np.log(nu)
        for name, w in table.items():
            v = float(((lb - la) @ w).mean()) + float(digamma(n + 1) - digamma(n))
            errs[name].append(v - true_kl)
    return {
        name: (float(np.mean(e)), float(np.sqrt(np.mean(np.square(e)))))
        for name, e in errs.items()
    }


# ------------------------------------------------------------------------------ report
def report(title: str, cells: list[tuple[str, dict[str, tuple[float, float]]]]) -> float:
    print(f"\n## {title}\n")
    print(
        "| cell | default bias | default RMSE | best | best RMSE | ratio | excess "
        "| kl3 RMSE | bsy5 RMSE |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    worst = 0.0
    for label, res in cells:
        best = min(res, key=lambda k: res[k][1])
        dflt = res["default"]
        ratio = dflt[1] / res[best][1]
        worst = max(worst, ratio)
        kl3 = res.get("kl3", res.get("wkv", (math.nan, math.nan)))[1]
        bsy5 = res.get("bsy5", (math.nan, math.nan))[1]
        print(
            f"| {label} | {dflt[0]:+.4f} | {dflt[1]:.4f} | {best} | {res[best][1]:.4f} "
            f"| {ratio:.2f} | {dflt[1] - res[best][1]:.4f} | {kl3:.4f} | {bsy5:.4f} |"
        )
    print(f"\nworst ratio: {worst:.2f}")
    return worst


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="n up to 5,000, fewer draws")
    ap.add_argument("--dims", default=",".join(map(str, DIMS)))
    ap.add_argument("--full-table", action="store_true", help="every method's bias and RMSE")
    args = ap.parse_args()
    dims = [int(v) for v in args.dims.split(",")]
    if args.quick:
        sizes = {100: 60, 1_000: 20, 5_000: 6}
    else:
        sizes = {100: 200, 1_000: 100, 10_000: 30, 50_000: 10}
    cells: list[tuple[str, dict[str, tuple[float, float]]]] = []
    cell = 0
    t0 = time.perf_counter()
    for d in dims:
        for dist in DISTS:
            for n, draws in sizes.items():
                cell += 1
                res = entropy_cell(dist, d, n, draws, cell)
                label = f"d={d} {dist} n={n} ({draws} draws, seeds {1000 * cell}+)"
                cells.append((label, res))
                log(f"{label}: {time.perf_counter() - t0:.0f} s")
                if args.full_table:
                    row = " ".join(f"{k}={v[0]:+.3f}/{v[1]:.3f}" for k, v in res.items())
                    log("   " + row)
    report("Entropy: bias and RMSE (nats) of the default, and the best method", cells)
    kl_cells = []
    kl_sizes = {1_000: 40, 10_000: 10} if not args.quick else {1_000: 10}
    for d in (1, 3, 10):
        if d not in dims:
            continue
        for n, draws in kl_sizes.items():
            cell += 1
            res = kl_cell(d, n, draws, cell)
            kl_cells.append((f"KL d={d} n=m={n} ({draws} draws, seeds {1000 * cell}+)", res))
            if args.full_table:
                log("   " + " ".join(f"{k}={v[0]:+.3f}/{v[1]:.3f}" for k, v in res.items()))
    report("KL(N(0, I) ‖ N(0.5·1, I)): the default (bsy) against wkv", kl_cells)
    print(f"\n({time.perf_counter() - t0:.0f} s)")


if __name__ == "__main__":
    main()
