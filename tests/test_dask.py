"""Dask data: counts by map-reduce equal the in-memory path exactly, likelihoods by chunks equal
it to 1e-12, continuous draws are refused by the nearest-neighbour estimators (or subsampled,
when asked), probability arrays stay lazy. On the synchronous scheduler, and on a
`distributed.LocalCluster` of two worker processes that the tests start and stop."""

from __future__ import annotations

import subprocess
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

da = pytest.importorskip("dask.array")
dd = pytest.importorskip("dask.dataframe")
pd = pytest.importorskip("pandas")
dask = pytest.importorskip("dask")

from infoloss import (  # noqa: E402
    Counts,
    Normal,
    Poisson,
    Samples,
    cross_entropy,
    entropy,
    js_divergence,
    kl_divergence,
    nll,
)

MEASURES = [kl_divergence, js_divergence, cross_entropy]


@pytest.fixture(autouse=True)
def _synchronous() -> Iterator[None]:
    with dask.config.set(scheduler="synchronous"), warnings.catch_warnings():
        # the estimators' own diagnostics are the in-memory path's, checked elsewhere
        warnings.filterwarnings("ignore", module="infoloss")
        warnings.filterwarnings("ignore", message=".*(Bias|Undersampled|HeavyTail).*")
        yield


def _quiet(f: Any, *args: Any, **kw: Any) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return f(*args, **kw)


def _same(a: Any, b: Any) -> None:
    """Exactly the same estimate: value, standard error, method."""
    assert np.array_equal(np.asarray(a), np.asarray(b), equal_nan=True)
    assert np.array_equal(np.asarray(a.stderr), np.asarray(b.stderr), equal_nan=True)
    assert a.method == b.method


def _draws(seed: int = 0) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    rng = np.random.default_rng(seed)
    x = rng.zipf(1.6, size=3000) % 40
    y = rng.zipf(1.4, size=2500) % 50
    y[-1] = 999  # a category seen in one partition only (the last), and only in `y`
    return x, y


@pytest.mark.parametrize("method", [None, "plugin", "miller_madow", "nsb", "zhang"])
def test_entropy_of_counted_partitions_equals_in_memory(method: str | None) -> None:
    x, _ = _draws()
    d = _quiet(entropy, Samples(da.from_array(x, chunks=257)), method=method)
    _same(d, _quiet(entropy, Samples(x), method=method))
    # the bias diagnostics split the reduced counts, as they split a Counts in memory
    c = Counts(np.bincount(x)[np.bincount(x) > 0])
    ref = _quiet(entropy, c, method=method)
    assert (d.bias is None) == (ref.bias is None)
    if d.bias is not None:
        assert float(d.bias) == float(ref.bias)


@pytest.mark.parametrize("measure", MEASURES)
def test_two_datasets_align_on_the_union_as_in_memory(measure: Any) -> None:
    x, y = _draws(1)
    dx = Samples(da.from_array(x, chunks=1000))
    dy = Samples(dd.from_pandas(pd.Series(y), npartitions=7))
    _same(_quiet(measure, dx, dy), _quiet(measure, Samples(x), Samples(y)))
    if measure is not js_divergence:  # (its default, NSB on halves and quarters, is slow)
        _same(_quiet(measure, dy, Samples(x)), _quiet(measure, Samples(y), Samples(x)))


def test_partitions_of_one_and_empty_partitions() -> None:
    x = np.array(["a", "b", "a", "c", "a", "b", "d"] * 3)
    ones = Samples(da.from_array(x, chunks=1))  # every partition holds one draw
    frame = dd.from_pandas(pd.DataFrame({"v": x, "k": np.arange(x.size)}), npartitions=5)
    holes = Samples(frame[frame.k % 7 != 6]["v"])  # some partitions end up empty
    kept = x[np.arange(x.size) % 7 != 6]
    assert holes.n == kept.size
    for method in ("plugin", "nsb"):
        _same(_quiet(entropy, ones, method=method), _quiet(entropy, Samples(x), method=method))
        _same(_quiet(entropy, holes, method=method), _quiet(entropy, Samples(kept), method=method))
    empty = frame[frame.k < 0]["v"]
    with pytest.raises(ValueError, match="at least one draw"):
        Samples(empty)


def test_declared_alphabet_rows_and_categorical_dtype() -> None:
    x, _ = _draws(2)
    cats = np.arange(60)
    _same(
        _quiet(entropy, Samples(da.from_array(x, chunks=500), categories=cats)),
        _quiet(entropy, Samples(x, categories=cats)),
    )
    _same(
        _quiet(entropy, Samples(da.from_array(x, chunks=500), support=80)),
        _quiet(entropy, Samples(x, support=80)),
    )
    rows = np.c_[x % 3, x % 7]
    _same(
        _quiet(entropy, Samples(da.from_array(rows, chunks=(400, 1)))),
        _quiet(entropy, Samples(rows)),
    )
    text = pd.Series(x.astype(str)).astype("category")  # lists unobserved categories too
    text = text.cat.add_categories(["never"])
    d = Samples(dd.from_pandas(text, npartitions=4))
    _same(_quiet(entropy, d), _quiet(entropy, Samples(x.astype(str))))


def test_missing_values_give_nan_as_in_memory() -> None:
    x = np.array(["a", "b", None, "a", "b", "b"] * 5, dtype=object)
    d = Samples(dd.from_pandas(pd.Series(x), npartitions=3))
    assert np.isnan(float(_quiet(entropy, d)))
    assert np.isnan(float(_quiet(entropy, Samples(x))))
    assert np.isnan(float(_quiet(kl_divergence, d, Samples(["a", "b"] * 5))))


def test_counts_from_dask() -> None:
    x, _ = _draws(3)
    vc = dd.from_pandas(pd.Series(x), npartitions=4).value_counts()
    # a histogram is computed (its K numbers) and is then the in-memory one, order included
    _same(_quiet(entropy, Counts(vc)), _quiet(entropy, Counts(vc.compute())))
    c = np.bincount(x)
    _same(_quiet(entropy, Counts(da.from_array(c, chunks=7))), _quiet(entropy, Counts(c)))


def test_read_parquet_directory_and_csv_glob(tmp_path: Path) -> None:
    x, _ = _draws(4)
    words = np.array(["red", "green", "blue", "cyan"])[x % 4]
    (tmp_path / "pq").mkdir()
    for i, part in enumerate(np.array_split(words, 3)):
        pd.DataFrame({"colour": part, "i": i}).to_parquet(tmp_path / "pq" / f"p{i}.parquet")
        pd.DataFrame({"colour": part}).to_csv(tmp_path / f"c{i}.csv", index=False)
    ref = _quiet(entropy, Samples(words))
    _same(_quiet(entropy, Samples.read(tmp_path / "pq", column="colour")), ref)
    _same(_quiet(entropy, Samples.read(str(tmp_path / "c*.csv"))), ref)
    with pytest.raises(ValueError, match="`column`"):
        Samples.read(tmp_path / "pq" / "p0.parquet")
    with pytest.raises(ValueError, match="`column` 'size'"):
        Samples.read(tmp_path / "pq", column="size")
    with pytest.raises(FileNotFoundError, match="`path`"):
        Samples.read(tmp_path / "none*.parquet")


def test_likelihood_by_chunks_to_1e_12() -> None:
    rng = np.random.default_rng(5)
    z = rng.normal(0.3, 1.5, size=2**20 + 7)  # above the in-memory limit: read by chunks
    dz = Samples(da.from_array(z, chunks=100_003))
    model = Normal(0.2, 1.4)
    a, b = _quiet(cross_entropy, dz, model), _quiet(cross_entropy, Samples(z), model)
    np.testing.assert_allclose(float(a), float(b), rtol=1e-12)
    np.testing.assert_allclose(float(a.stderr), float(b.stderr), rtol=1e-10)
    lazy = nll(model, da.from_array(z, chunks=100_003))
    assert isinstance(lazy, da.Array)
    np.testing.assert_allclose(float(lazy.compute()), float(nll(model, z)), rtol=1e-12)
    k = rng.poisson(4.0, size=5000)  # discrete draws: counted, then weighted
    a = _quiet(kl_divergence, Samples(da.from_array(k, chunks=999)), Poisson(3.5))
    b = _quiet(kl_divergence, Samples(k), Poisson(3.5))
    np.testing.assert_allclose([float(a), float(a.stderr)], [float(b), float(b.stderr)], 1e-12)


def test_knn_refuses_large_dask_draws_or_takes_a_subsample() -> None:
    from infoloss.data._dask import subsample_indices

    z = np.random.default_rng(6).normal(size=2**20 + 1)
    dz = Samples(da.from_array(z, chunks=2**18))
    with pytest.raises(ValueError, match="max_n"):
        entropy(dz)
    with pytest.raises(ValueError, match="max_n"):
        kl_divergence(dz, Normal(0.0, 1.0))
    sub = Samples(da.from_array(z, chunks=2**18), max_n=2000)
    assert (sub.n, sub.total) == (2000, z.size)
    assert "subsample" in repr(sub)
    _same(_quiet(entropy, sub), _quiet(entropy, Samples(z[subsample_indices(z.size, 2000)])))
    with pytest.raises(ValueError, match="`max_n`"):
        Samples(da.from_array(np.arange(10), chunks=3), max_n=5)  # discrete: counted in full
    with pytest.raises(ValueError, match="`max_n`"):
        Samples(z, max_n=10)  # in memory: used in full


@pytest.mark.parametrize("bins", [12, [-6.0, -1.0, -0.2, 0.0, 0.5, 1.5, 6.0]])
def test_binned_draws_share_edges_and_equal_in_memory(bins: Any) -> None:
    rng = np.random.default_rng(10)
    x, y = rng.normal(size=4000), rng.normal(0.4, 1.3, size=3000)
    dx, dy = da.from_array(x, chunks=600), da.from_array(y, chunks=1000)
    _same(_quiet(entropy, Samples(dx, bins=bins)), _quiet(entropy, Samples(x, bins=bins)))
    # edges from the pooled draws of both: two dask samples, or one and draws in memory
    for f, other in ((kl_divergence, dy), (cross_entropy, y)):
        _same(
            _quiet(f, Samples(dx, bins=bins), Samples(other, bins=bins)),
            _quiet(f, Samples(x, bins=bins), Samples(y, bins=bins)),
        )
    rows = rng.normal(size=(2000, 2))
    _same(
        _quiet(entropy, Samples(da.from_array(rows, chunks=(300, 1)), bins=4)),
        _quiet(entropy, Samples(rows, bins=4)),
    )
    with pytest.raises(ValueError, match="`bins`='auto'"):
        entropy(Samples(dx, bins="auto"))
    with pytest.raises(ValueError, match="outside the edges"):
        entropy(Samples(dx, bins=[-1.0, 0.0, 1.0]))


def test_no_whole_array_is_computed() -> None:
    calls: list[int] = []

    def block(i: int) -> np.ndarray[Any, Any]:
        calls.append(i)
        return np.random.default_rng(i).normal(size=300_000)

    parts = [da.from_delayed(dask.delayed(block)(i), (300_000,), float) for i in range(4)]
    s = Samples(da.concatenate(parts))
    assert s.n == 1_200_000
    assert calls == [0]  # the first block, for the kind of the draws; nothing else
    _quiet(cross_entropy, s, Normal(0.0, 1.0))
    assert sorted(set(calls)) == [0, 1, 2, 3]


def test_probability_arrays_stay_lazy() -> None:
    """Rows of distributions as a dask array: the measures are lazy, chunked along rows, and
    nothing runs until ``.compute()``, with or without the checks (which are tasks of the
    result's graph; bad inputs in test_dask_checks.py)."""
    from dask.callbacks import Callback

    rng = np.random.default_rng(7)
    p, q = rng.dirichlet(np.ones(6), size=400), rng.dirichlet(np.ones(6), size=400)
    dp, dq = da.from_array(p, chunks=(50, 6)), da.from_array(q, chunks=(50, 6))
    for f, args, ref in [
        (entropy, (dp,), entropy(p, axis=-1)),
        (cross_entropy, (dp, dq), cross_entropy(p, q, axis=-1)),
        (kl_divergence, (dp, dq), kl_divergence(p, q, axis=-1)),
        (js_divergence, (dp, dq), js_divergence(p, q, axis=-1)),
    ]:
        ran: list[Any] = []
        with Callback(pretask=lambda key, dsk, state, ran=ran: ran.append(key)):
            out = f(*args, axis=-1, validate=False)
        assert isinstance(out, da.Array)
        assert out.chunks == ((50,) * 8,)
        assert ran == [], f"{f.__name__} computed {len(ran)} tasks"
        np.testing.assert_allclose(out.compute(), ref, rtol=1e-12)
        with Callback(pretask=lambda key, dsk, state, ran=ran: ran.append(key)):
            checked = f(*args, axis=-1)
        assert isinstance(checked, da.Array)
        assert ran == [], f"{f.__name__} checked {len(ran)} tasks before .compute()"
        np.testing.assert_allclose(checked.compute(), ref, rtol=1e-12)


def test_dask_is_imported_only_when_seen() -> None:
    code = (
        "import sys, infoloss; infoloss.entropy(infoloss.Samples([1, 2, 2]), method='plugin');"
        "infoloss.entropy([0.5, 0.5]); print('dask' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.fixture(scope="module")
def cluster_client() -> Iterator[Any]:
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


def test_on_a_local_cluster_of_two_processes(cluster_client: Any) -> None:
    x, y = _draws(8)
    with dask.config.set(scheduler=cluster_client.get):
        dx = Samples(da.from_array(x, chunks=300))
        dy = Samples(dd.from_pandas(pd.Series(y), npartitions=6))
        for f in MEASURES:
            method = "plugin" if f is js_divergence else None
            _same(
                _quiet(f, dx, dy, method=method),
                _quiet(f, Samples(x), Samples(y), method=method),
            )
        z = np.random.default_rng(9).normal(size=2**20 + 3)
        a = _quiet(cross_entropy, Samples(da.from_array(z, chunks=2**18)), Normal(0.0, 1.1))
        np.testing.assert_allclose(
            float(a), float(_quiet(cross_entropy, Samples(z), Normal(0.0, 1.1))), rtol=1e-12
        )
