"""How fast the command line reads a large CSV, against pandas' own fastest reader.

Writes a 5,000,000-row single-column CSV of decimals (about 67 MB) and, each in a fresh
subprocess so that peak memory (``resource.getrusage(RUSAGE_SELF).ru_maxrss``) belongs to one
reader alone, times

- ``pandas``: ``pandas.read_csv(path, engine="pyarrow")``, the reference;
- ``cli``: the command line's reading path, `infoloss.cli._inputs.load` (sniffing, pandas, the
  missing-value mask, the NumPy array handed to `infoloss.Samples`);
- ``imports``: only the imports of the ``cli`` run (the interpreter's own share of memory).

Peak memory is reported whole and as the rise of the high-water mark over the one the imports
left (``above imports``), which is what reading the file cost.

Goals (issue 13): ``cli`` within 1.5x of ``pandas`` in time; peak memory of the reading (the
peak above ``imports``) at most 3x the file size. Run: ``python benchmarks/bench_cli_read.py``
(``--rows N`` for another size; needs ``pip install 'infoloss[cli]'``).

Measured (2026-12-06, 2 shared cores, Python 3.11, pandas 3.1.1, pyarrow 26.0.1; best of 3)::

    file: 5,000,000 rows, 65.8 MB
    reader       time s  x pandas   peak MB  above imports  x file
    pandas         0.75      1.00       345            215    3.27
    cli            0.43      0.57       372            175    2.66
    imports alone: peak 197 MB

The command line is faster than the reference because it keeps pyarrow's columns (no copy
into pandas' NumPy dtypes) and makes one NumPy copy of the column it uses; it hands pyarrow's
scratch memory back before that copy. The hand-written reader it replaced took 13 s and
1.7 GB on the same file (issue 13).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

_CHILD = """
import json, resource, sys, time
kind, path = sys.argv[1], sys.argv[2]
if kind == "pandas":
    import pandas as pd
else:
    import pandas, pyarrow
    from infoloss.cli._inputs import load
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # kB on Linux
start = time.perf_counter()
if kind == "pandas":
    n = len(pd.read_csv(path, engine="pyarrow"))
elif kind == "cli":
    n = load(path, "P").n
else:
    n = 0
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # kB on Linux
print(json.dumps({"seconds": seconds, "peak": peak, "above": peak - before, "n": n}))
"""


def write_csv(path: Path, rows: int) -> None:
    """One column ``x`` of `rows` normal draws with 10 significant digits (~13 bytes a row)."""
    x = np.random.default_rng(0).normal(size=rows)
    with path.open("w", encoding="utf-8") as f:
        f.write("x\n")
        np.savetxt(f, x, fmt="%.10g")


def measure(kind: str, path: Path) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, kind, str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"{kind}: {done.stderr}")
    result: dict[str, float] = json.loads(done.stdout)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument("--repeat", type=int, default=3, help="best of N runs (default 3)")
    rows, repeat = parser.parse_args().rows, parser.parse_args().repeat
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.csv"
        write_csv(path, rows)
        size = path.stat().st_size
        runs = {k: [measure(k, path) for _ in range(repeat)] for k in ("imports", "pandas", "cli")}
    best = {k: min(r, key=lambda m: m["seconds"]) for k, r in runs.items()}
    base = min(m["peak"] for m in runs["imports"])
    assert best["cli"]["n"] == best["pandas"]["n"] == rows, best
    print(f"file: {rows:,} rows, {size / 1e6:.1f} MB; best of {repeat} runs, fresh processes")
    print(f"{'reader':<10}{'time s':>9}{'x pandas':>10}{'peak MB':>10}{'above imports':>15}"
          f"{'x file':>8}")  # fmt: skip
    for kind in ("pandas", "cli"):
        m = best[kind]
        peak = max(r["peak"] for r in runs[kind])
        ratio = m["seconds"] / best["pandas"]["seconds"]
        above = max(r["above"] for r in runs[kind])
        print(f"{kind:<10}{m['seconds']:>9.2f}{ratio:>10.2f}{peak / 1e6:>10.0f}"
              f"{above / 1e6:>15.0f}{above / size:>8.2f}")  # fmt: skip
    print(f"imports alone: peak {base / 1e6:.0f} MB")


if __name__ == "__main__":
    main()
