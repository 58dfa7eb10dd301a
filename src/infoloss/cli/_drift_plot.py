"""``--plot`` for the drift report: one small panel per column, the most drifted first.

A categorical column is drawn as bars of each side's shares; a numeric one as the two
histograms on common bins (densities). Each panel's title gives the column and its JS.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np

from ._errors import InputError
from ._read import Table

__all__ = ["PANELS", "draw_drift"]

PANELS = 6  # the top columns drawn
_COLORS = ("tab:blue", "tab:orange")


def _panel(ax: Any, kind: str, p: np.ndarray[Any, Any], q: np.ndarray[Any, Any]) -> None:
    if kind == "categorical":
        labels = sorted(set(p.astype(str).tolist()) | set(q.astype(str).tolist()))[:30]
        x = np.arange(len(labels))
        for i, v in enumerate((p.astype(str), q.astype(str))):
            share = [float(np.mean(v == c)) for c in labels]
            ax.bar(x + (i - 0.5) * 0.4, share, width=0.4, color=_COLORS[i], label="PQ"[i])
        ax.set_xticks(x, labels, rotation=90 if len(labels) > 6 else 0, fontsize="small")
        return
    both = np.concatenate([p, q]).astype(np.float64)
    lo, hi = np.quantile(both, [0.005, 0.995])  # long tails would squeeze the bars
    bins = np.linspace(lo, hi, 41) if hi > lo else 10
    for i, v in enumerate((p, q)):
        ax.hist(v.astype(np.float64), bins=bins, density=True, alpha=0.5, color=_COLORS[i],
                label="PQ"[i])  # fmt: skip


def draw_drift(report: dict[str, Any], tables: list[Table], path: Path) -> None:
    """Write the panels of the top columns to `path`."""
    from matplotlib.figure import Figure

    top = [c for c in report["columns"] if c["kind"] != "empty"][:PANELS]
    n = len(top)
    cols = min(n, 3)
    rows = math.ceil(n / cols)
    fig = Figure(figsize=(4 * cols, 3.2 * rows), layout="constrained")
    axes = np.atleast_1d(fig.subplots(rows, cols)).ravel()
    by_name = [{c.name: c for c in t.columns} for t in tables]
    for ax, c in zip(axes, top, strict=False):
        p, q = (d[c["column"]].present() for d in by_name)
        _panel(ax, c["kind"], p, q)
        js = c["js"]["value"]
        shown = "n/a" if js is None else f"{js:.3g}"
        ax.set_title(f"{c['column']} ({c['kind']}): JS = {shown} {report['unit']}",
                     fontsize="small")  # fmt: skip
        ax.legend(fontsize="x-small")
    for ax in axes[n:]:
        ax.axis("off")
    fig.suptitle("drift, most drifted columns first (P blue, Q orange)", fontsize="medium")
    try:
        fig.savefig(path, dpi=110)
    except OSError as exc:
        msg = f"--plot {path}: cannot write the picture: {exc.strerror or exc}"
        raise InputError(msg) from None
