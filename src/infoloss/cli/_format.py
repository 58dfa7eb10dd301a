"""The report as a terminal table (with its notes, the identity CE = H + KL and the methods
explained under it) or as JSON."""

from __future__ import annotations

import json
import math
from typing import Any

from ._methods import EXPLAIN, explain_lines

__all__ = ["explain_all", "format_json", "format_table", "identity"]

_IDENTITIES = (
    ("pq", "cross_entropy_pq", "entropy_p", "kl_pq"),
    ("qp", "cross_entropy_qp", "entropy_q", "kl_qp"),
)


def identity(measures: dict[str, Any]) -> dict[str, Any]:
    """CE - H - KL for each direction, where all three rows have finite values.

    ``{"pq": {"residual": r, "holds": bool}, ...}``: `holds` where the rows come from
    estimators that make the identity exact (up to rounding: 1e-9 of the cross-entropy).
    """
    out: dict[str, Any] = {}
    for key, ce, h, kl in _IDENTITIES:
        if ce not in measures:
            continue
        values = [measures[k]["value"] for k in (ce, h, kl)]
        if any(v is None or not math.isfinite(v) for v in values):
            continue
        residual = values[0] - values[1] - values[2]
        holds = abs(residual) <= 1e-9 * max(1.0, abs(values[0]))
        out[key] = {"residual": residual, "holds": holds}
    return out


def _number(v: float | None) -> str:
    if v is None:
        return "n/a"
    if math.isinf(v) or math.isnan(v):
        return str(v)
    return f"{v:.4f}"


def _identity_lines(report: dict[str, Any]) -> list[str]:
    m = report["measures"]
    lines = []
    for key, ce, h, kl in _IDENTITIES:
        check = report.get("identity", {}).get(key)
        if check is None:
            continue
        kl_value = m[kl]["value"]
        sign = "-" if kl_value < 0 else "+"
        values = (
            f"{_number(m[ce]['value'])} = {_number(m[h]['value'])} {sign} {_number(abs(kl_value))}"
        )
        if check["holds"]:
            verdict = "holds"
        else:
            verdict = (
                f"off by {check['residual']:+.4f}: {m[h]['label']} is {m[h]['method']}, "
                f"{m[kl]['label']} is {m[kl]['method']}, separate estimates"
            )
        lines.append(
            f"  {m[ce]['label']} = {m[h]['label']} + {m[kl]['label']}: {values} ({verdict})"
        )
    return ["", "cross-entropy = entropy + KL, row by row:", *lines] if lines else []


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
    lines += _identity_lines(report)
    methods = [r["method"] for r in report["measures"].values() if r["method"]]
    explained = explain_lines(methods)
    if explained:
        lines += ["", "methods (--explain lists them all):", *explained]
    if notes:
        lines.append("")
        lines += [f"[{i}] {n}" for i, n in enumerate(notes, 1)]
    return "\n".join(lines)


def explain_all() -> str:
    """Every route and estimator name the report can show, one line each."""
    width = max(len(n) for n in EXPLAIN)
    lines = [
        "Routes and estimators in the method column of infoloss compare / entropy:",
        *(f"  {n:<{width}}  {text}" for n, text in EXPLAIN.items()),
        "",
        "--entropy-method NAME picks the estimator of the H rows, --divergence-method NAME that",
        "of the cross-entropy, KL and JS rows (--method NAME: both). By default the H rows of",
        "data use the entropy estimator inside the KL rows' one, so that H(P, Q) = H(P) +",
        "KL(P ‖ Q) holds row by row; `infoloss entropy` alone uses the library's best default.",
    ]
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
