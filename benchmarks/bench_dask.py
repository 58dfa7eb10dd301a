"""Out-of-core measures with Dask: two categorical Parquet datasets, counted by partition.

Writes two datasets of ``--rows`` rows each (a Zipf-like P over ``--categories`` categories and a
perturbed Q, dictionary-encoded strings, one file per ``--part`` rows), then, each in a fresh
process (its peak resident memory is the process's ``ru_maxrss``):

- ``baseline``: Dask's own ``value_counts().compute()`` of both columns;
- ``infoloss``: ``Samples.read`` of both (the same counting, per partition, summed), then H(P),
  H(Q), KL(P ‖ Q), KL(Q ‖ P) and JS(P, Q) with the default estimators (bias diagnostics
  included), each timed;
- ``check``: on the first ``--check-rows`` rows, the same five estimates from the dask path
  and from the draws in memory, which must be equal (value, standard error, method).

Usage::

    python benchmarks/bench_dask.py --rows 10_000_000
    python benchmarks/bench_dask.py --rows 100_000_000 --dir /tmp/infoloss-dask

Needs ``pip install -r benchmarks/requirements-dask.txt`` (dask, distributed, pyarrow).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np


def _probs(k: int, seed: int) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    rng = np.random.default_rng(seed)
    p = 1.0 / np.arange(1, k + 1) ** 1.1
    q = p * rng.lognormal(0.0, 0.3, size=k)
    return p / p.sum(), q / q.sum()


def write(folder: Path, rows: int, k: int, part: int, seed: int = 0) -> None:
    """Two datasets, P and Q, as directories of Parquet files of `part` rows each, written
    chunk by chunk (never more than one chunk in memory)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    names = pa.array([f"c{i:05d}" for i in range(k)])
    rng = np.random.default_rng(seed)
    for name, probs in zip("PQ", _probs(k, seed), strict=True):
        out = folder / name
        out.mkdir(parents=True, exist_ok=True)
        cdf = np.cumsum(probs)
        for i, start in enumerate(range(0, rows, part)):
            size = min(part, rows - start)
            codes = np.minimum(np.searchsorted(cdf, rng.random(size)), k - 1).astype(np.int16)
            column = pa.DictionaryArray.from_arrays(pa.array(codes), names)
            pq.write_table(pa.table({"category": column}), out / f"part-{i:05d}.parquet")


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def stage_baseline(folder: Path) -> dict[str, Any]:
    import dask.dataframe as dd

    times = []
    for _ in range(2):  # the first run pays Dask's warm-up (graph optimisation, imports)
        t0 = time.perf_counter()
        for name in "PQ":
            column = dd.read_parquet(folder / name, columns=["category"])["category"]
            column.value_counts().compute()
        times.append(time.perf_counter() - t0)
    return {"seconds": min(times), "first_seconds": times[0], "peak_mib": _peak_mib()}


def _estimates(p: Any, q: Any) -> dict[str, Any]:
    from infoloss import entropy, js_divergence, kl_divergence

    out: dict[str, Any] = {}
    for label, f, args in [
        ("H(P)", entropy, (p,)),
        ("H(Q)", entropy, (q,)),
        ("KL(P||Q)", kl_divergence, (p, q)),
        ("KL(Q||P)", kl_divergence, (q, p)),
        ("JS(P,Q)", js_divergence, (p, q)),
    ]:
        t0 = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            e = f(*args)
        out[label] = {
            "value": float(e),
            "stderr": float(e.stderr),
            "method": e.method,
            "seconds": time.perf_counter() - t0,
        }
    return out


def stage_infoloss(folder: Path) -> dict[str, Any]:
    import dask.dataframe  # noqa: F401  (imported before the clock starts, as in the baseline)

    from infoloss import Samples

    times = []
    for _ in range(2):  # as for the baseline: the better of two runs
        t0 = time.perf_counter()
        p = Samples.read(folder / "P", column="category")
        q = Samples.read(folder / "Q", column="category")
        times.append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    est = _estimates(p, q)
    return {
        "seconds": min(times) + time.perf_counter() - t0,
        "counting_seconds": min(times),
        "first_counting_seconds": times[0],
        "n": [p.n, q.n],
        "estimates": est,
        "peak_mib": _peak_mib(),
    }


def stage_check(folder: Path, rows: int) -> dict[str, Any]:
    """The dask path against the draws in memory, on the first `rows` rows of each."""
    import dask.dataframe as dd
    import pandas as pd

    from infoloss import Samples

    lazy, mem = [], []
    for name in "PQ":
        parts, have = [], 0
        for f in sorted((folder / name).glob("*.parquet")):
            parts.append(pd.read_parquet(f)["category"])
            have += len(parts[-1])
            if have >= rows:
                break
        col = pd.concat(parts, ignore_index=True).iloc[:rows]
        mem.append(Samples(col.to_numpy()))
        lazy.append(Samples(dd.from_pandas(col, npartitions=max(2, rows // 100_000))))
    a, b = _estimates(*lazy), _estimates(*mem)
    same = all(
        a[k]["value"] == b[k]["value"]
        and a[k]["stderr"] == b[k]["stderr"]
        and a[k]["method"] == b[k]["method"]
        for k in a
    )
    return {"rows": rows, "equal": same, "dask": a, "in_memory": b}


def _run_stage(stage: str, folder: Path, extra: list[str]) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--stage", stage, "--dir", str(folder), *extra]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True)
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=lambda s: int(s.replace("_", "")), default=10_000_000)
    ap.add_argument("--categories", type=int, default=1000)
    ap.add_argument("--part", type=int, default=2**22, help="rows per Parquet file")
    ap.add_argument("--check-rows", type=int, default=1_000_000)
    ap.add_argument("--dir", type=Path, default=None, help="where the datasets are written")
    ap.add_argument("--skip-check", action="store_true", help="skip the in-memory comparison")
    ap.add_argument("--stage", choices=("baseline", "infoloss", "check"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.stage:
        folder = args.dir
        result = {
            "baseline": lambda: stage_baseline(folder),
            "infoloss": lambda: stage_infoloss(folder),
            "check": lambda: stage_check(folder, args.check_rows),
        }[args.stage]()
        print(json.dumps(result))
        return
    folder = args.dir or Path(tempfile.mkdtemp(prefix="infoloss-dask-"))
    t0 = time.perf_counter()
    if not (folder / "Q").exists():
        write(folder, args.rows, args.categories, args.part)
    written = time.perf_counter() - t0
    print(f"rows {args.rows:,} x 2, {args.categories} categories, files of {args.part:,} rows")
    print(f"written in {written:.1f} s to {folder} (cores: {os.cpu_count()})")
    base = _run_stage("baseline", folder, [])
    ours = _run_stage("infoloss", folder, [])
    print(f"baseline value_counts().compute() x 2: {base['seconds']:.2f} s (first run "
          f"{base['first_seconds']:.2f} s), peak {base['peak_mib']:.0f} MiB")  # fmt: skip
    print(f"infoloss Samples.read x 2: {ours['counting_seconds']:.2f} s (first run "
          f"{ours['first_counting_seconds']:.2f} s), ratio "
          f"{ours['counting_seconds'] / base['seconds']:.2f}; with the 5 estimates "
          f"{ours['seconds']:.2f} s (ratio {ours['seconds'] / base['seconds']:.2f}); "
          f"peak {ours['peak_mib']:.0f} MiB")  # fmt: skip
    for label, e in ours["estimates"].items():
        print(f"  {label:9s} {e['value']:.6f} ± {e['stderr']:.2g} nats ({e['method']}, "
              f"{e['seconds']:.2f} s)")  # fmt: skip
    if args.skip_check:
        return
    check = _run_stage("check", folder, ["--check-rows", str(args.check_rows)])
    print(f"equal to the in-memory path on {check['rows']:,} rows: {check['equal']}")


if __name__ == "__main__":
    main()
