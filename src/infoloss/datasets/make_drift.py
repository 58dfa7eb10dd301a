"""Regenerate the bundled drift example: ``python -m infoloss.datasets.make_drift``.

Two SYNTHETIC tables of 2,000 customers each, ``drift_old.csv`` and ``drift_new.csv``, drawn
with a fixed seed, for ``infoloss compare --drift-example``: the drift report that compares
every shared column. Some columns are shifted on purpose and the others drawn from the same
distribution in both tables, so the report's ranking can be checked against the truth:

============== ============== =================================================== ==========
column         kind           distribution (old -> new)                           shifted
============== ============== =================================================== ==========
income         numeric        lognormal(log 30000, 0.5) -> (log 34000, 0.65); 1%  yes
                              of the new ones missing (empty cells)
region         categorical    uniform over 5 regions -> more in the Capital        yes
tenure_years   rounded (0.1)  gamma(2, 3) -> gamma(2, 4.2), recorded to 0.1 year   yes
age            rounded (1)    normal(45, 15) within 18 ... 90, whole years         no
household_size categorical    1 ... 6 with fixed shares                            no
owns_car       True/False     60% True                                             no
monthly_spend  numeric        gamma(2, 400)                                        no
legacy_score   (old only)     whole numbers 0 ... 100                              --
channel        (new only)     web / store / phone                                  --
============== ============== =================================================== ==========

Not real data: no person, country or company is described.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["FILES", "N_ROWS", "SEED", "SHIFTED", "UNCHANGED", "csv_text", "main", "tables"]

SEED = 2026
N_ROWS = 2000
FILES = ("drift_old.csv", "drift_new.csv")
SHIFTED = ("income", "region", "tenure_years")
UNCHANGED = ("age", "household_size", "owns_car", "monthly_spend")
REGIONS = ("North", "South", "East", "West", "Capital")

Column = list[str]


def _fmt(values: np.ndarray[Any, Any], spec: str) -> Column:
    return [format(float(v), spec) for v in values]


def _table(rng: np.random.Generator, new: bool) -> dict[str, Column]:
    n = N_ROWS
    mu, sigma = (np.log(34_000), 0.65) if new else (np.log(30_000), 0.5)
    income = _fmt(rng.lognormal(mu, sigma, n), ".2f")
    if new:  # 1% missing: empty cells
        for i in rng.choice(n, n // 100, replace=False):
            income[i] = ""
    shares = [0.15, 0.15, 0.15, 0.15, 0.40] if new else [0.2] * 5
    region = [REGIONS[i] for i in rng.choice(5, n, p=shares)]
    tenure = _fmt(np.round(rng.gamma(2.0, 4.2 if new else 3.0, n), 1), ".1f")
    age = np.clip(np.round(rng.normal(45, 15, n)), 18, 90).astype(np.int64)
    household = rng.choice(np.arange(1, 7), n, p=[0.28, 0.34, 0.16, 0.14, 0.06, 0.02])
    car = np.where(rng.random(n) < 0.6, "True", "False")
    spend = _fmt(rng.gamma(2.0, 400.0, n), ".2f")
    table: dict[str, Column] = {
        "income": income,
        "region": region,
        "tenure_years": tenure,
        "age": [str(a) for a in age.tolist()],
        "household_size": [str(h) for h in household.tolist()],
        "owns_car": car.tolist(),
        "monthly_spend": spend,
    }
    if new:
        table["channel"] = [("web", "store", "phone")[i] for i in rng.choice(3, n)]
    else:
        table["legacy_score"] = [str(v) for v in rng.integers(0, 101, n).tolist()]
    return table


def tables() -> dict[str, dict[str, Column]]:
    """Both tables, column by column, as text (old first: one stream of the fixed seed)."""
    rng = np.random.default_rng(SEED)
    return {name: _table(rng, new=name == FILES[1]) for name in FILES}


def csv_text(name: str) -> str:
    """The content of one bundled file."""
    table = tables()[name]
    rows = zip(*table.values(), strict=True)
    return "\n".join([",".join(table), *(",".join(r) for r in rows)]) + "\n"


def main() -> None:
    here = Path(__file__).parent
    for name in FILES:
        (here / name).write_text(csv_text(name), encoding="utf-8")


if __name__ == "__main__":
    main()
