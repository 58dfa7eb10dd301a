"""The report: every measure between P and Q through the public functions, as a table or JSON.

`compute` is the only place the command line computes anything, and it calls
`infoloss.entropy`, `cross_entropy`, `kl_divergence`, `js_divergence` and `js_distance`
exactly as a user would, with the objects `_pair` built.
"""

from __future__ import annotations

import json
import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import Counts, Samples, cross_entropy, entropy, js_distance, js_divergence, kl_divergence
from .._core import Estimate
from ..distributions import NoClosedFormError
from ._errors import InputError
from ._example import unit_name
from ._progress import Progress

__all__ = ["MEASURES", "Settings", "compute", "format_json", "format_table"]

# key in --json, label in the table, function, arguments (P, Q by position)
MEASURES: tuple[tuple[str, str, Callable[..., Any], tuple[int, ...]], ...] = (
    ("entropy_p", "H(P)", entropy, (0,)),
    ("entropy_q", "H(Q)", entropy, (1,)),
    ("cross_entropy_pq", "H(P, Q)", cross_entropy, (0, 1)),
    ("cross_entropy_qp", "H(Q, P)", cross_entropy, (1, 0)),
    ("kl_pq", "KL(P ‖ Q)", kl_divergence, (0, 1)),
    ("kl_qp", "KL(Q ‖ P)", kl_divergence, (1, 0)),
    ("js_divergence", "JS(P, Q)", js_divergence, (0, 1)),
    ("js_distance", "JS distance", js_distance, (0, 1)),
)


@dataclass(frozen=True)
class Settings:
    """Options passed to every public function (None: the library's default)."""

    base: float | str = "bits"
    method: str | None = None
    k: int | None = None
    pseudocount: float | None = None
    draws: int | None = None
    seed: int = 0

    def kwargs(self, args: tuple[Any, ...]) -> dict[str, Any]:
        """The keywords for one call: estimator options only where they apply.

        Probabilities are always exact (no `method`); `k` and `pseudocount` tune estimates
        from data, `pseudocount` those between two histograms.
        """
        data = any(isinstance(a, Samples | Counts) for a in args)
        arrays = all(isinstance(a, np.ndarray) for a in args)
        out: dict[str, Any] = {"base": self.base, "rng": self.seed}
        for name, value, applies in (
            ("method", self.method, not arrays),
            ("k", self.k, data),
            ("pseudocount", self.pseudocount, data and len(args) == 2),
            ("n", self.draws, True),
        ):
            if value is not None and applies:
                out[name] = value
        return out

    def check_base(self) -> None:
        """A bad ``--base`` is bad input: ask the library, which knows the rule."""
        try:
            entropy([1.0], base=self.base)
        except (TypeError, ValueError) as exc:
            raise InputError(str(exc)) from None


_EMPTY: dict[str, Any] = dict.fromkeys(
    ("value", "stderr", "bias", "interval", "method", "n", "reason")
)
_EMPTY["notes"] = []


def _row(fn: Callable[..., Any], args: tuple[Any, ...], settings: Settings) -> dict[str, Any]:
    kwargs = settings.kwargs(args)
    fallback = ""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            try:
                res = fn(*args, **kwargs)
            except NoClosedFormError:
                if settings.method is not None:
                    raise
                res = fn(*args, **{**kwargs, "method": "mc"})
                fallback = " (no closed form)"
            row = _result(res, args, fallback)
        except (TypeError, ValueError, NotImplementedError, ImportError) as exc:
            return {**_EMPTY, "reason": _sentence(str(exc))}
    notes = sorted({_sentence(str(w.message)) for w in caught})
    return {**_EMPTY, **row, "notes": notes}


def _scalar(x: Any, what: str) -> float:
    a = np.asarray(x)
    if a.size != 1:
        msg = f"the {what} has shape {a.shape}: P and Q are not one distribution each"
        raise ValueError(msg)
    return float(a.reshape(()))


def _result(res: Any, args: tuple[Any, ...], fallback: str) -> dict[str, Any]:
    if isinstance(res, Estimate):
        value, se = _scalar(res, "result"), _scalar(res.stderr, "standard error")
        lo, hi = (_scalar(v, "interval") for v in res.interval(0.95))
        bias = None if res.bias is None else _scalar(res.bias, "bias")
        return {
            "value": value,
            "stderr": se,
            "bias": bias,  # the extrapolated bias, where halving the data showed one
            "interval": [lo, hi],
            "method": f"{res.method}{fallback}",
            "n": res.n if isinstance(res.n, int) else None,
        }
    exact = all(isinstance(a, np.ndarray) for a in args)
    return {"value": _scalar(res, "result"), "method": "exact" if exact else "closed form"}


def _sentence(text: str) -> str:
    return " ".join(text.split())


def compute(
    operands: list[Any],
    descriptions: list[dict[str, Any]],
    settings: Settings,
    *,
    unavailable: str | None = None,
    measures: tuple[tuple[str, str, Callable[..., Any], tuple[int, ...]], ...] = MEASURES,
) -> dict[str, Any]:
    """The report dict: units, what P and Q are, and one entry per measure."""
    rows: dict[str, Any] = {}
    with Progress(len(measures)) as bar:
        for key, label, fn, which in measures:
            bar.step(label)
            if unavailable is not None and len(which) > 1:
                row: dict[str, Any] = {**_EMPTY, "reason": unavailable}
            else:
                row = _row(fn, tuple(operands[i] for i in which), settings)
            rows[key] = {"label": label, **row}
    sides = {d["side"]: d for d in descriptions}
    return {"unit": unit_name(settings.base), "base": settings.base, **sides, "measures": rows}


def _number(v: float | None) -> str:
    if v is None:
        return "n/a"
    if math.isinf(v) or math.isnan(v):
        return str(v)
    return f"{v:.4f}"


def format_table(report: dict[str, Any], header: list[str]) -> str:
    """The terminal table, with footnotes for missing values and warnings."""
    unit = report["unit"]
    exact = report.get("exact")
    extra = f"{'exact':>9}  " if exact else ""
    lines = [*header, "", f"{'measure':<13}{unit:>10}  {'± stderr':>9}  {extra}method"]
    notes: list[str] = []
    for key, row in report["measures"].items():
        se = row["stderr"]
        method = row["method"] or ""
        reasons = [row["reason"]] if row["value"] is None else []
        for note in reasons + row["notes"]:
            if note not in notes:
                notes.append(note)
        marks = " ".join(f"[{notes.index(n) + 1}]" for n in reasons + row["notes"])
        method = f"{method} {marks}".strip()
        value = _number(row["value"])
        se_text = "" if se is None else _number(se)
        if exact:
            method = f"{_number(exact[key]):>9}  {method}"
        lines.append(f"{row['label']:<13}{value:>10}  {se_text:>9}  {method}".rstrip())
    if any(r["stderr"] is not None for r in report["measures"].values()):
        lines += ["", "± one standard error of an estimate (95% interval: --json)."]
    if notes:
        lines.append("")
        lines += [f"[{i}] {n}" for i, n in enumerate(notes, 1)]
    return "\n".join(lines)


def _jsonable(x: Any) -> Any:
    if isinstance(x, float) and not math.isfinite(x):
        return str(x)  # "inf", "-inf" or "nan": JSON has no such numbers
    if isinstance(x, dict):
        return {k: _jsonable(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_jsonable(v) for v in x]
    return x


def format_json(report: dict[str, Any]) -> str:
    return json.dumps(_jsonable(report), indent=2, ensure_ascii=False, allow_nan=False)
