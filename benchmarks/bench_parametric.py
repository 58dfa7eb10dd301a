"""KL between batches of parametric distributions: infoloss vs a bare NumPy formula and PyTorch.

The issue's anchors: KL between 1,000,000 Normal pairs and between 10,000 5-dimensional
multivariate normal pairs, against ``torch.distributions.kl_divergence`` (CPU) and the bare
NumPy formula. Target: infoloss with validation on within 1.3x the bare formula and no slower
than PyTorch. Run from the repository root: ``python benchmarks/bench_parametric.py``.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import torch

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
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    print(f"numpy {np.__version__}, torch {torch.__version__} ({torch.get_num_threads()} threads)")
    print(f"{'case':<48}{'median ms':>10}{'x bare':>8}")
    for rows in (
        _normal_rows(args.normal, args.repeat),
        _mvn_rows(args.mvn, args.dim, args.repeat),
    ):
        if not rows:
            continue
        bare = rows[0][1]
        for name, t, _ in rows:
            print(f"{name:<48}{1e3 * t:>10.2f}{t / bare:>8.2f}")


if __name__ == "__main__":
    main()
