"""KL between batches of parametric distributions: infoloss vs a bare NumPy formula and PyTorch.

The issue's anchors: KL between 1,000,000 Normal pairs and between 10,000 5-dimensional
multivariate normal pairs, against ``torch.distributions.kl_divergence`` (CPU) and the bare
NumPy formula. Target: infoloss with validation on within 1.3x the bare formula and no slower
than PyTorch. Also 1,000,000 Gamma, Beta and Weibull pairs (families whose closed forms use
log-gamma and digamma; torch has no Weibull-Weibull KL), and 1,000,000 Gamma pairs that are all
near-equal (relative difference 1e-6): there infoloss recomputes every element with its stable
formula (the textbook one cancels), so that row shows the stable route's cost, and the bare
formula's relative error is printed below the table. Run from the repository root:
``python benchmarks/bench_parametric.py``.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import torch
from scipy.special import betaln, digamma, gamma, gammaln

import infoloss as il


def _median_s(fn: Callable[[], object], repeat: int) -> float:
    fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _normal_rows(n: int, repeat: int) -> list[tuple[str, float, Any]]:
    rng = np.random.default_rng(0)
    m1, m2 = rng.normal(size=n), rng.normal(size=n)
    s1, s2 = rng.uniform(0.5, 2, size=n), rng.uniform(0.5, 2, size=n)

    def bare() -> Any:
        r = (s1 / s2) ** 2
        return 0.5 * (r - 1 - np.log(r) + ((m1 - m2) / s2) ** 2)

    def ours() -> Any:
        return il.kl_divergence(il.Normal(m1, s1), il.Normal(m2, s2))

    tm = [torch.from_numpy(a) for a in (m1, s1, m2, s2)]

    def theirs() -> Any:
        P = torch.distributions.Normal(tm[0], tm[1])
        Q = torch.distributions.Normal(tm[2], tm[3])
        return torch.distributions.kl_divergence(P, Q)

    np.testing.assert_allclose(ours(), bare(), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(theirs().numpy(), bare(), rtol=1e-12, atol=1e-15)
    return [
        (f"Normal x {n:,}: bare NumPy formula", _median_s(bare, repeat), None),
        (f"Normal x {n:,}: infoloss (validation on)", _median_s(ours, repeat), "ours"),
        (f"Normal x {n:,}: torch.distributions (CPU)", _median_s(theirs, repeat), "torch"),
    ]


def _kl_rows(
    label: str, bare: Any, ours: Any, theirs: Any, repeat: int, rtol: float = 1e-9
) -> list[tuple[str, float, Any]]:
    """Rows for one case: the bare formula, infoloss, and torch.distributions if it has it."""
    want = ours()
    np.testing.assert_allclose(bare(), want, rtol=rtol, atol=1e-14)
    rows = [
        (f"{label}: bare NumPy formula", _median_s(bare, repeat), None),
        (f"{label}: infoloss (validation on)", _median_s(ours, repeat), "ours"),
    ]
    if theirs is not None:
        np.testing.assert_allclose(theirs().numpy(), want, rtol=rtol, atol=1e-14)
        rows.append((f"{label}: torch.distributions (CPU)", _median_s(theirs, repeat), "torch"))
    return rows


def _gamma_bare(k1: Any, t1: Any, k2: Any, t2: Any) -> Any:
    # Penny (2001), eq. 3, with scales: the textbook formula, as infoloss 0.x computed it
    t = (k1 - k2) * digamma(k1) - gammaln(k1) + gammaln(k2)
    return t + k2 * (np.log(t2) - np.log(t1)) + k1 * (t1 / t2 - 1.0)


def _torch_kl(cls: Any, *arrays: Any) -> Any:
    t = [torch.from_numpy(a) for a in arrays]
    half = len(t) // 2
    return lambda: torch.distributions.kl_divergence(cls(*t[:half]), cls(*t[half:]))


def _special_rows(n: int, repeat: int) -> list[list[tuple[str, float, Any]]]:
    rng = np.random.default_rng(2)
    a1, a2 = rng.uniform(0.5, 5, n), rng.uniform(0.5, 5, n)
    s1, s2 = rng.uniform(0.5, 2, n), rng.uniform(0.5, 2, n)
    gamma_rows = _kl_rows(
        f"Gamma x {n:,}",
        lambda: _gamma_bare(a1, s1, a2, s2),
        lambda: il.kl_divergence(il.Gamma(a1, s1), il.Gamma(a2, s2)),
        _torch_kl(torch.distributions.Gamma, a1, 1 / s1, a2, 1 / s2),
        repeat,
    )

    def beta_bare() -> Any:
        t = betaln(a2, s2) - betaln(a1, s1) + (a1 - a2) * digamma(a1)
        return t + (s1 - s2) * digamma(s1) + (a2 - a1 + s2 - s1) * digamma(a1 + s1)

    beta_rows = _kl_rows(
        f"Beta x {n:,}",
        beta_bare,
        lambda: il.kl_divergence(il.Beta(a1, s1), il.Beta(a2, s2)),
        _torch_kl(torch.distributions.Beta, a1, s1, a2, s2),
        repeat,
    )

    def weibull_bare() -> Any:
        # Bauckhage (2013): the textbook formula
        t = np.log(a1 / a2) - a1 * np.log(s1) + a2 * np.log(s2)
        t = t + (a1 - a2) * (np.log(s1) - np.euler_gamma / a1)
        return t + (s1 / s2) ** a2 * gamma(1.0 + a2 / a1) - 1.0

    weibull_rows = _kl_rows(
        f"Weibull x {n:,}",
        weibull_bare,
        lambda: il.kl_divergence(il.Weibull(a1, s1), il.Weibull(a2, s2)),
        None,
        repeat,
    )
    return [gamma_rows, beta_rows, weibull_rows]


def _near_rows(n: int, repeat: int) -> tuple[list[tuple[str, float, Any]], str]:
    rng = np.random.default_rng(3)
    a1, s1 = rng.uniform(0.5, 5, n), rng.uniform(0.5, 2, n)
    a2, s2 = a1 * (1 + 1e-6 * rng.choice([-1.0, 1.0], n)), s1 * (1 + 1e-6 * rng.normal(size=n))

    def ours() -> Any:
        return il.kl_divergence(il.Gamma(a1, s1), il.Gamma(a2, s2))

    want = ours()
    err = np.max(np.abs(_gamma_bare(a1, s1, a2, s2) / want - 1.0))
    rows = _kl_rows(
        f"Gamma x {n:,}, near-equal",
        lambda: _gamma_bare(a1, s1, a2, s2),
        ours,
        _torch_kl(torch.distributions.Gamma, a1, 1 / s1, a2, 1 / s2),
        repeat,
        rtol=1.0,  # the bare formula and torch lose most digits here: no agreement to check
    )
    note = (
        f"near-equal: relative differences 1e-6; the bare formula is off by up to {err:.1e} "
        "relative there (infoloss: ~1e-15)"
    )
    return rows, note


def _mvn_rows(n: int, d: int, repeat: int) -> list[tuple[str, float, Any]]:
    mvn = getattr(il, "MultivariateNormal", None)
    if mvn is None:
        print("(infoloss has no MultivariateNormal yet: MVN rows skipped)")
        return []
    rng = np.random.default_rng(1)
    m1, m2 = rng.normal(size=(n, d)), rng.normal(size=(n, d))
    a1, a2 = rng.normal(size=(n, d, d)), rng.normal(size=(n, d, d))
    c1 = a1 @ np.swapaxes(a1, -1, -2) + d * np.eye(d)
    c2 = a2 @ np.swapaxes(a2, -1, -2) + d * np.eye(d)

    def bare() -> Any:
        l1, l2 = np.linalg.cholesky(c1), np.linalg.cholesky(c2)
        m = np.linalg.solve(l2, l1)
        z = np.linalg.solve(l2, (m2 - m1)[..., None])[..., 0]
        logdet = 2 * (np.log(np.diagonal(l2, 0, -2, -1)) - np.log(np.diagonal(l1, 0, -2, -1)))
        return 0.5 * ((m * m).sum((-1, -2)) + (z * z).sum(-1) - d + logdet.sum(-1))

    def ours() -> Any:
        return il.kl_divergence(mvn(m1, c1), mvn(m2, c2))

    tm = [torch.from_numpy(a) for a in (m1, c1, m2, c2)]

    def theirs() -> Any:
        P = torch.distributions.MultivariateNormal(tm[0], tm[1])
        Q = torch.distributions.MultivariateNormal(tm[2], tm[3])
        return torch.distributions.kl_divergence(P, Q)

    np.testing.assert_allclose(ours(), bare(), rtol=1e-9)
    np.testing.assert_allclose(theirs().numpy(), bare(), rtol=1e-9)
    return [
        (f"MVN d={d} x {n:,}: bare NumPy formula", _median_s(bare, repeat), None),
        (f"MVN d={d} x {n:,}: infoloss (validation on)", _median_s(ours, repeat), "ours"),
        (f"MVN d={d} x {n:,}: torch.distributions (CPU)", _median_s(theirs, repeat), "torch"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--normal", type=int, default=1_000_000)
    parser.add_argument("--mvn", type=int, default=10_000)
    parser.add_argument("--dim", type=int, default=5)
    parser.add_argument("--special", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    print(f"numpy {np.__version__}, torch {torch.__version__} ({torch.get_num_threads()} threads)")
    print(f"{'case':<56}{'median ms':>10}{'x bare':>8}")
    groups = [
        _normal_rows(args.normal, args.repeat),
        _mvn_rows(args.mvn, args.dim, args.repeat),
        *_special_rows(args.special, args.repeat),
    ]
    near, note = _near_rows(args.special, args.repeat)
    for rows in (*groups, near):
        if not rows:
            continue
        bare = rows[0][1]
        for name, t, _ in rows:
            print(f"{name:<56}{1e3 * t:>10.2f}{t / bare:>8.2f}")
    print(f"({note})")


if __name__ == "__main__":
    main()
