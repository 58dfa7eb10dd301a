"""Probability arrays held as dask arrays are checked lazily: with the default validation the
checks (entries >= 0, rows summing to 1) are tasks of the result's graph, so nothing runs
before ``.compute()``, a good input gives the eager result and a bad one raises the eager
check's `ValueError`, word for word, at ``.compute()``."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

da = pytest.importorskip("dask.array")
dask = pytest.importorskip("dask")

from dask.callbacks import Callback  # noqa: E402

from infoloss import Samples, cross_entropy, entropy, js_divergence, kl_divergence  # noqa: E402

MEASURES = [cross_entropy, kl_divergence, js_divergence]


@pytest.fixture(autouse=True)
def _synchronous() -> Iterator[None]:
    with dask.config.set(scheduler="synchronous"):
        yield


def _rows(seed: int = 7) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    rng = np.random.default_rng(seed)
    return rng.dirichlet(np.ones(6), size=400), rng.dirichlet(np.ones(6), size=400)


def _lazily(f: Any, *args: Any, **kw: Any) -> Any:
    """``f(*args)``, asserting that no task ran and the result is a dask array."""
    ran: list[Any] = []
    with Callback(pretask=lambda key, dsk, state: ran.append(key)):
        out = f(*args, **kw)
    assert ran == [], f"{f.__name__} computed {len(ran)} tasks before .compute()"
    assert isinstance(out, da.Array)
    return out


def _eager_message(f: Any, *args: Any, **kw: Any) -> str:
    try:
        f(*args, **kw)
    except ValueError as exc:
        return str(exc)
    raise AssertionError(f"{f.__name__} did not refuse the input")  # pragma: no cover


def _raises_at_compute(out: Any, msg: str) -> None:
    """``out.compute()`` raises ``msg``, word for word. The measure's own tasks may run on the
    bad blocks before the check's last task raises, and NumPy warns about a log of a negative
    number or a 0 / 0 there (the eager route suppresses those with ``np.errstate``, which a lazy
    task does not inherit): those warnings are not what is tested here."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        with pytest.raises(ValueError, match=f"^{re.escape(msg)}$"):
            out.compute()


# the event axis whole in each chunk, or split across chunks (partial sums combined lazily)
CHUNKS = [(50, 6), (64, 4)]


@pytest.mark.parametrize("chunks", CHUNKS)
def test_checked_measures_compute_nothing_and_equal_the_eager_result(chunks: Any) -> None:
    p, q = _rows()
    dp, dq = da.from_array(p, chunks=chunks), da.from_array(q, chunks=(100, 6))
    out = _lazily(entropy, dp, axis=-1)
    np.testing.assert_allclose(out.compute(), entropy(p, axis=-1), rtol=1e-12)
    for f in MEASURES:
        out = _lazily(f, dp, dq, axis=-1, base="bits")
        np.testing.assert_allclose(out.compute(), f(p, q, axis=-1, base="bits"), rtol=1e-12)
    # the outcomes along the first axis: the checks follow `axis`
    out = _lazily(kl_divergence, dp.T, dq.T, axis=0)
    np.testing.assert_allclose(out.compute(), kl_divergence(p.T, q.T, axis=0), rtol=1e-12)


@pytest.mark.parametrize("chunks", CHUNKS)
def test_negative_entries_raise_at_compute(chunks: Any) -> None:
    p, q = _rows()
    p[123, 2], p[300, 1] = -0.25, -0.5  # the most negative is reported, as in memory
    msg = _eager_message(kl_divergence, p, q, axis=-1)
    assert "`p` has negative entries (min -0.5 at index (300, 1))" in msg
    dq = da.from_array(q, chunks=(100, 6))
    _raises_at_compute(_lazily(kl_divergence, da.from_array(p, chunks=chunks), dq, axis=-1), msg)


@pytest.mark.parametrize("chunks", CHUNKS)
def test_bad_sums_raise_at_compute(chunks: Any) -> None:
    p, q = _rows()
    q[77] *= 1.1
    q[399] *= 0.5
    msg = _eager_message(js_divergence, p, q, axis=-1)
    assert "`q` row (77,) sums to 1.1" in msg
    out = _lazily(js_divergence, da.from_array(p, chunks=chunks), da.from_array(q, chunks=chunks))
    _raises_at_compute(out, msg)
    one = _lazily(entropy, da.from_array(q[399], chunks=4))  # a single distribution: 0-d
    with pytest.raises(ValueError, match=re.escape("`p` the distribution sums to 0.5")):
        one.compute()


def test_nan_rows_pass_and_give_nan_as_in_memory() -> None:
    p, _ = _rows()
    p[5] = np.nan
    out = _lazily(entropy, da.from_array(p, chunks=(50, 6)), axis=-1)
    np.testing.assert_array_equal(np.isnan(out.compute()), np.isnan(entropy(p, axis=-1)))


def test_normalized_weights_with_no_total_raise_at_compute() -> None:
    """(`normalize=True` still looks for negative weights at once: one reduction.)"""
    w = np.abs(np.random.default_rng(3).normal(size=(60, 4)))
    w[17] = 0.0
    msg = _eager_message(entropy, w, axis=-1, normalize=True)
    out = entropy(da.from_array(w, chunks=(20, 4)), axis=-1, normalize=True)
    _raises_at_compute(out, msg)


def test_a_route_that_reads_the_model_into_memory_checks_it_first() -> None:
    """Data against a dask model: the result is computed, so the checks run before it comes
    back, never skipped."""
    x = np.array([0, 1, 2, 3, 1, 1])
    good = np.full(4, 0.25)
    ref = cross_entropy(Samples(x), good)
    assert float(cross_entropy(Samples(x), da.from_array(good, chunks=2))) == float(ref)
    with pytest.raises(ValueError, match=re.escape("sums to 1.25")):
        cross_entropy(Samples(x), da.from_array(np.r_[good[:3], 0.5], chunks=2))


def test_the_checks_and_the_measure_read_each_block_once() -> None:
    calls: list[int] = []

    def block(i: int) -> np.ndarray[Any, Any]:
        calls.append(i)
        return np.random.default_rng(i).dirichlet(np.ones(4), size=100)

    parts = [da.from_delayed(dask.delayed(block)(i), (100, 4), float) for i in range(5)]
    out = entropy(da.concatenate(parts), axis=-1)
    assert calls == []
    out.compute()
    assert sorted(calls) == [0, 1, 2, 3, 4]
