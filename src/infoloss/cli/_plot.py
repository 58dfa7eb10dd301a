"""``--plot``: P and Q, and beneath them the pointwise p·log(p/q) whose sum (area) is KL(P ‖ Q).

Categorical inputs are drawn as bars of their probabilities (frequencies for data), continuous
ones as histograms with density curves (the model's density, or a Gaussian kernel density
estimate of the samples). The lower panel is computed from what is drawn, and says so.
"""

from __future__ import annotations

import math
import os
import textwrap
from pathlib import Path
from typing import Any

import numpy as np

from .._core import log_base
from ._errors import InputError
from ._inputs import Operand
from ._pair import Pair, Sampling, dimension, is_discrete

__all__ = ["check_plot", "check_plot_path", "draw"]

Vector = np.ndarray[Any, Any]
_COLORS = ("tab:blue", "tab:orange")


def check_plot_path(path: Path) -> None:
    """Fail before any work where the picture could not be written."""
    try:
        import matplotlib
    except ImportError:
        msg = "--plot needs matplotlib: pip install 'infoloss[plot]'"
        raise InputError(msg) from None
    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    formats = Figure().canvas.get_supported_filetypes()
    if path.suffix.lstrip(".").lower() not in formats:
        msg = f"--plot {path}: unknown picture format; use one of .{', .'.join(sorted(formats))}"
        raise InputError(msg)
    folder = path.parent
    if not folder.is_dir():
        msg = f"--plot {path}: the folder {folder} does not exist"
        raise InputError(msg)
    if (
        path.is_dir()
        or not os.access(folder, os.W_OK)
        or (path.exists() and not os.access(path, os.W_OK))
    ):
        msg = f"--plot {path}: cannot write there (permission denied, or a folder of that name)"
        raise InputError(msg)


def check_plot(P: Operand, Q: Operand, how: Sampling) -> None:
    """Fail before any estimate where the inputs cannot be drawn."""
    for op in (P, Q):
        if dimension(op) > 1:
            msg = f"--plot draws one-dimensional distributions; {op.side} has {dimension(op)}"
            raise InputError(msg)


def _title(report: dict[str, Any]) -> str:
    m, unit = report["measures"], report["unit"]

    def show(key: str) -> str:
        v = m[key]["value"]
        return "n/a" if v is None else f"{v:.3g}"

    return (
        f"H(P) = {show('entropy_p')}, H(Q) = {show('entropy_q')}, "
        f"KL(P ‖ Q) = {show('kl_pq')}, KL(Q ‖ P) = {show('kl_qp')}, "
        f"JS = {show('js_divergence')} ({unit})"
    )


def _contribution(p: Vector, q: Vector, factor: float) -> Vector:
    """p·log(p/q) in the report's unit: 0 where p = 0, +inf where p > 0 = q."""
    with np.errstate(divide="ignore", invalid="ignore"):
        c = np.where(p > 0, p * np.log(p / q), 0.0) / factor
    return np.where((p > 0) & (q == 0), np.inf, c)


def _discrete_grid(P: Operand, Q: Operand, both: Pair) -> tuple[Vector, Vector, Vector]:
    """Categories and P's and Q's probabilities on them (frequencies for data)."""
    if both.categories is not None:
        assert both.p_weights is not None
        assert both.q_weights is not None
        return both.categories, _normed(both.p_weights), _normed(both.q_weights)
    lows, highs = [], []
    for op in (P, Q):
        if op.model is not None:
            lows.append(float(op.model.ppf(1e-4)))
            highs.append(float(op.model.ppf(1 - 1e-4)))
        else:
            labels = _labels(op)
            lows.append(float(np.min(labels)))
            highs.append(float(np.max(labels)))
    cats = np.arange(math.floor(min(lows)), math.floor(max(highs)) + 1)
    return cats, _pmf(P, cats), _pmf(Q, cats)


def _labels(op: Operand) -> Vector:
    """The (numeric) categories of data: sample values, or labels / positions of weights."""
    if op.values is not None:
        return np.asarray(op.values)
    assert op.weights is not None
    cats = op.categories if op.categories is not None else np.arange(op.weights.size)
    if cats.dtype.kind not in "iuf":
        msg = f"--plot: {op.side}'s categories are not numbers, so it cannot share an axis"
        raise InputError(msg)
    return cats


def _normed(w: Vector) -> Vector:
    return np.asarray(w, dtype=np.float64) / float(np.sum(w))


def _pmf(op: Operand, cats: Vector) -> Vector:
    if op.model is not None:
        return np.asarray(op.model.pmf(cats), dtype=np.float64)
    if op.values is not None:
        return np.array([np.mean(op.values == c) for c in cats])
    assert op.weights is not None
    share = dict(zip(_labels(op).tolist(), _normed(op.weights).tolist(), strict=True))
    return np.array([share.get(c, 0.0) for c in cats.tolist()])


def _draw_discrete(axes: Any, P: Operand, Q: Operand, both: Pair, unit: str, f: float) -> str:
    top, bottom = axes
    cats, p, q = _discrete_grid(P, Q, both)
    x = np.arange(cats.size)
    for i, (op, probs) in enumerate(((P, p), (Q, q))):
        top.bar(x + (i - 0.5) * 0.4, probs, width=0.4, color=_COLORS[i], label=_label(op))
    labels = [str(c) for c in cats.tolist()]
    top.set_ylabel("probability (share of samples for data)")
    top.legend(fontsize="small")
    c = _contribution(p, q, f)
    finite = np.where(np.isfinite(c), c, 0.0)
    bottom.bar(x, finite, color=np.where(finite >= 0, "tab:red", "tab:green"))
    for j in np.flatnonzero(np.isinf(c)):
        bottom.annotate("+∞ (q = 0)", (x[j], 0), ha="center", va="bottom", color="tab:red")
    bottom.axhline(0, color="black", linewidth=0.8)
    step = max(1, math.ceil(cats.size / 30))  # at most 30 labels
    for ax in axes:
        ax.set_xticks(x[::step], labels[::step], rotation=90 if cats.size > 12 else 0)
        ax.set_xlabel("outcome")
    bottom.set_ylabel(f"p·log(p/q), {unit}")
    total = float(np.sum(c))
    data = any(op.kind in ("samples", "counts") for op in (P, Q))
    how = "plug-in: observed frequencies of the data" if data else "exact"
    return f"pointwise p·log(p/q): sum over the bars = {total:.4g} {unit} ({how})"


def _log_density(op: Operand, grid: Vector) -> Vector:
    """log p on the grid: the model's logpdf (no underflow in far tails) or a KDE's."""
    if op.model is not None:
        return np.asarray(op.model.logpdf(grid), dtype=np.float64)
    from scipy.stats import gaussian_kde

    assert op.values is not None
    values = np.asarray(op.values, dtype=np.float64).ravel()
    if np.ptp(values) == 0:
        return np.where(np.isclose(grid, values[0]), np.inf, -np.inf)
    return np.asarray(gaussian_kde(values).logpdf(grid), dtype=np.float64)


def _log_contribution(logp: Vector, logq: Vector, factor: float) -> Vector:
    """p·log(p/q) from log-densities: +inf only where q is 0 in fact (log q = -inf), not
    where q's density merely underflows in a far tail."""
    p = np.exp(logp)
    with np.errstate(invalid="ignore"):
        c = np.where(np.isfinite(logp), p * (logp - logq), 0.0) / factor
    return np.where(np.isfinite(logp) & np.isneginf(logq), np.inf, c)


def _grid(P: Operand, Q: Operand) -> Vector:
    lows, highs = [], []
    for op in (P, Q):
        if op.model is not None:
            lows.append(float(op.model.ppf(1e-3)))
            highs.append(float(op.model.ppf(1 - 1e-3)))
        elif op.values is not None:
            v = np.asarray(op.values, dtype=np.float64).ravel()
            lows.append(float(np.min(v)))
            highs.append(float(np.max(v)))
    lo, hi = min(lows), max(highs)
    pad = 0.05 * (hi - lo or 1.0)
    return np.linspace(lo - pad, hi + pad, 801)


def _draw_continuous(axes: Any, P: Operand, Q: Operand, unit: str, f: float) -> str:
    from scipy.integrate import trapezoid

    top, bottom = axes
    grid = _grid(P, Q)
    dens = []
    for i, op in enumerate((P, Q)):
        if op.values is not None:
            v = np.asarray(op.values, dtype=np.float64).ravel()
            top.hist(v, bins="auto", density=True, alpha=0.35, color=_COLORS[i])
        d = _log_density(op, grid)
        dens.append(d)
        top.plot(grid, np.exp(d), color=_COLORS[i], label=_label(op))
    top.set_ylabel("density")
    top.legend(fontsize="small")
    c = _log_contribution(dens[0], dens[1], f)
    shown = np.where(np.isfinite(c), c, np.nan)
    bottom.plot(grid, shown, color="tab:red")
    bottom.fill_between(grid, shown, 0, color="tab:red", alpha=0.3)
    if np.isinf(c).any():
        bottom.fill_between(
            grid,
            0,
            1,
            where=np.isinf(c),
            transform=bottom.get_xaxis_transform(),
            color="tab:red",
            alpha=0.15,
            hatch="//",
            label="q = 0 < p here: contributes +∞",
        )
        bottom.legend(fontsize="small")
    bottom.axhline(0, color="black", linewidth=0.8)
    bottom.set_ylabel(f"p(x)·log(p(x)/q(x)), {unit} per unit x")
    for ax in axes:
        ax.set_xlabel("x")
    area = float(trapezoid(c, grid)) if np.all(np.isfinite(c)) else math.inf
    kde = any(op.values is not None for op in (P, Q))
    source = "the curves above: kernel density estimates for data" if kde else "the densities"
    return f"pointwise p·log(p/q): area over the range shown = {area:.4g} {unit} (from {source})"


def _wrap(text: str) -> str:
    """Titles on lines of at most 80 characters: none is clipped at the figure's edges."""
    return "\n".join(textwrap.fill(part, 80) for part in text.split("\n"))


def _draw_alone(ax: Any, op: Operand, i: int, how: Sampling) -> None:
    """One distribution on its own terms (where P and Q share no kind of outcome)."""
    if not is_discrete(op, how):
        grid = _grid(op, op)
        if op.values is not None:
            v = np.asarray(op.values, dtype=np.float64).ravel()
            ax.hist(v, bins="auto", density=True, alpha=0.35, color=_COLORS[i])
        ax.plot(grid, np.exp(_log_density(op, grid)), color=_COLORS[i], label=_label(op))
        return
    if op.model is not None:
        lo, hi = (math.floor(float(op.model.ppf(t))) for t in (1e-4, 1 - 1e-4))
        cats = np.arange(lo, hi + 1)
        probs = np.asarray(op.model.pmf(cats), dtype=np.float64)
    elif op.values is not None:
        cats, counts = np.unique(op.values, return_counts=True)
        probs = _normed(counts)
    else:
        assert op.weights is not None
        cats = op.categories if op.categories is not None else np.arange(op.weights.size)
        probs = _normed(op.weights)
    x = cats if cats.dtype.kind in "iuf" else np.arange(cats.size)
    ax.bar(x, probs, width=0.8, alpha=0.6, color=_COLORS[i], label=_label(op))


def _label(op: Operand) -> str:
    text = f"{op.side}: {op.source}"
    return text if len(text) < 60 else text[:57] + "..."


def draw(
    P: Operand, Q: Operand, both: Pair, how: Sampling, report: dict[str, Any], path: Path
) -> None:
    """Write the picture to `path` (format from its extension)."""
    from matplotlib.figure import Figure

    factor = log_base(report["base"]) or 1.0
    unit = report["unit"]
    fig = Figure(figsize=(9, 7), layout="constrained")
    axes = fig.subplots(2, 1)
    fig.suptitle(_wrap(_title(report)), fontsize="medium")
    axes[0].set_title("P and Q")
    if both.unavailable is not None:
        axes[1].axis("off")
        axes[1].text(0.5, 0.5, _wrap(f"KL(P ‖ Q) n/a: {both.unavailable}"), ha="center")
        for i, op in enumerate((P, Q)):
            _draw_alone(axes[0], op, i, how)
        axes[0].set_ylabel("probability (bars) or density (curves)")
        axes[0].legend(fontsize="small")
    else:
        if is_discrete(P, how) and how.bins is None:
            title = _draw_discrete(axes, P, Q, both, unit, factor)
        else:
            title = _draw_continuous(axes, P, Q, unit, factor)
        kl = report["measures"]["kl_pq"]["value"]
        if kl is not None and math.isinf(kl):
            zero = "= inf" in title  # the picture found outcomes where q = 0 < p
            title += (
                "\nKL(P ‖ Q) = ∞: Q gives probability 0 to outcomes P can take"
                if zero
                else "\nKL(P ‖ Q) = ∞: q > 0 everywhere, but P's tails outweigh Q's (the "
                "integral diverges beyond the range shown)"
            )
        axes[1].set_title(_wrap(title))
    try:
        fig.savefig(path, dpi=120)
    except OSError as exc:
        msg = f"--plot {path}: cannot write the picture: {exc.strerror or exc}"
        raise InputError(msg) from None
