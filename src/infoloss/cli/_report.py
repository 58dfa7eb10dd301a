"""The report: every measure between P and Q through the public functions.

`compute` is the only place the command line computes anything, and it calls
`infoloss.entropy`, `cross_entropy`, `kl_divergence`, `js_divergence` and `js_distance`
exactly as a user would, with the objects `_pair` built. The divergence rows come first; the
entropy rows of data then take the entropy estimator inside the KL estimator (unless
``--entropy-method`` says otherwise), so that H(P, Q) = H(P) + KL(P ‖ Q) holds row by row.
"""

from __future__ import annotations

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
from ._methods import flag_words, paired_entropy
from ._progress import Progress

__all__ = ["MEASURES", "Settings", "all_unavailable", "compute", "measure_row", "note_negative"]

Measure = tuple[str, str, Callable[..., Any], tuple[int, ...]]
# key in --json, label in the table, function, arguments (P, Q by position)
MEASURES: tuple[Measure, ...] = (
    ("entropy_p", "H(P)", entropy, (0,)),
    ("entropy_q", "H(Q)", entropy, (1,)),
    ("cross_entropy_pq", "H(P, Q)", cross_entropy, (0, 1)),
    ("cross_entropy_qp", "H(Q, P)", cross_entropy, (1, 0)),
    ("kl_pq", "KL(P ‖ Q)", kl_divergence, (0, 1)),
    ("kl_qp", "KL(Q ‖ P)", kl_divergence, (1, 0)),
    ("js_divergence", "JS(P, Q)", js_divergence, (0, 1)),
    ("js_distance", "JS distance", js_distance, (0, 1)),
)
_KL_OF_SIDE = {"entropy_p": "kl_pq", "entropy_q": "kl_qp"}


@dataclass(frozen=True)
class Settings:
    """Options passed to every public function (None: the library's default).

    `entropy_method` and `divergence_method` come from ``--entropy-method`` and
    ``--divergence-method`` (``--method`` sets both); `flags` names the flag each came from.
    """

    base: float | str = "bits"
    entropy_method: str | None = None
    divergence_method: str | None = None
    k: int | None = None
    pseudocount: float | None = None
    draws: int | None = None
    seed: int = 0
    entropy_flag: str = "--entropy-method"
    divergence_flag: str = "--divergence-method"

    def kwargs(self, args: tuple[Any, ...], method: str | None) -> dict[str, Any]:
        """The keywords for one call: estimator options only where they apply.

        Probabilities are always exact (no `method`); `k` and `pseudocount` tune estimates
        from data, `pseudocount` those between two histograms, `n` the draws from a model.
        """
        data = any(isinstance(a, Samples | Counts) for a in args)
        arrays = all(isinstance(a, np.ndarray) for a in args)
        model = any(_is_model(a) for a in args)
        out: dict[str, Any] = {"base": self.base, "rng": self.seed}
        for name, value, applies in (
            ("method", method, not arrays),
            ("k", self.k, data),
            ("pseudocount", self.pseudocount, data and len(args) == 2),
            ("n", self.draws, model),
        ):
            if value is not None and applies:
                out[name] = value
        return out

    def check_base(self) -> None:
        """A bad ``--base`` is bad input: ask the library, which knows the rule."""
        try:
            entropy([1.0], base=self.base)
        except (TypeError, ValueError) as exc:
            raise InputError(flag_words(str(exc))) from None


def _is_model(a: Any) -> bool:
    return not isinstance(a, Samples | Counts | np.ndarray)


EMPTY: dict[str, Any] = dict.fromkeys(
    ("value", "stderr", "bias", "interval", "method", "n", "reason")
)
EMPTY["notes"] = []


def _call(fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    try:
        return fn(*args, **kwargs), ""
    except NoClosedFormError:
        if "method" in kwargs:
            raise
        return fn(*args, **{**kwargs, "method": "mc"}), " (no closed form)"


def measure_row(
    fn: Callable[..., Any], args: tuple[Any, ...], settings: Settings, method: str | None,
    sides: tuple[str, ...], flag: str,
) -> dict[str, Any]:  # fmt: skip
    kwargs = settings.kwargs(args, method)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            res, fallback = _call(fn, args, kwargs)
            row = _result(res, args, fallback)
        except (TypeError, ValueError, NotImplementedError, ImportError) as exc:
            reason = flag_words(_sentence(str(exc)), sides, flag)
            return {**EMPTY, "reason": reason, "given": set(kwargs), "sides": sides}
    notes = sorted({flag_words(_sentence(str(w.message)), sides, flag) for w in caught})
    return {**EMPTY, **row, "notes": notes, "given": set(kwargs), "sides": sides}


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


def _discrete(a: Any) -> bool:
    if isinstance(a, Samples):
        return bool(a.discrete)
    if isinstance(a, Counts | np.ndarray):
        return True
    import scipy.stats

    return isinstance(getattr(a, "dist", None), scipy.stats.rv_discrete)


def note_negative(key: str, row: dict[str, Any], args: tuple[Any, ...]) -> None:
    """A note where an estimate of a quantity that cannot be negative came out negative."""
    v = row["value"]
    if v is None or not v < 0:
        return
    never_negative = key.startswith(("kl", "js")) or all(_discrete(a) for a in args)
    if never_negative:
        se = row["stderr"]
        within = f" ({-v / se:.1f} standard errors below 0)" if se else ""
        row["notes"] = [
            *row["notes"],
            f"negative estimate{within} of a quantity that is >= 0: the estimator is not "
            "clipped, and its sampling error reaches below 0 where the true value is near 0",
        ]


def _method_for(key: str, settings: Settings, rows: dict[str, Any], operand: Any) -> str | None:
    if not key.startswith("entropy"):
        return settings.divergence_method
    if settings.entropy_method is not None or not isinstance(operand, Samples | Counts):
        return settings.entropy_method
    kl = rows.get(_KL_OF_SIDE.get(key, ""), {})
    return paired_entropy(kl.get("method"))


def compute(
    operands: list[Any],
    descriptions: list[dict[str, Any]],
    settings: Settings,
    *,
    unavailable: str | None = None,
    measures: tuple[Measure, ...] = MEASURES,
    check: bool = True,
) -> dict[str, Any]:
    """The report dict: units, what P and Q are, and one entry per measure.

    With `check`, an option that no row used, or that every row given it refused, raises
    `InputError` (``--k 3`` between two lists of probabilities, ``--method nosuch``).
    """
    rows: dict[str, Any] = {}
    names = [d["side"] for d in descriptions] or ["P", "Q"]
    order = sorted(measures, key=lambda m: m[0].startswith("entropy"))  # divergences first
    with Progress(len(measures)) as bar:
        for key, label, fn, which in order:
            bar.step(label)
            args = tuple(operands[i] for i in which)
            sides = tuple(names[i] for i in which)
            flag = settings.entropy_flag if fn is entropy else settings.divergence_flag
            if unavailable is not None and len(which) > 1:
                row: dict[str, Any] = {**EMPTY, "reason": unavailable}
            else:
                method = _method_for(key, settings, rows, args[0])
                row = measure_row(fn, args, settings, method, sides, flag)
                if fn is js_divergence or fn is js_distance:
                    row = _js_fallback(row, fn, args, settings, sides, flag)
                note_negative(key, row, args)
            rows[key] = {"label": label, **row}
    if check:
        _check_options(rows, settings)
    ordered = {key: _public(rows[key]) for key, *_ in measures}
    by_side = {d["side"]: d for d in descriptions}
    return {
        "unit": unit_name(settings.base),
        "base": settings.base,
        **by_side,
        "measures": ordered,
    }


def _js_fallback(
    row: dict[str, Any], fn: Callable[..., Any], args: tuple[Any, ...], settings: Settings,
    sides: tuple[str, ...], flag: str,
) -> dict[str, Any]:  # fmt: skip
    """JS has its own estimators: a divergence estimator it lacks gives way to its default."""
    name = settings.divergence_method
    if name is None or row["value"] is not None or "is not an estimator" not in row["reason"]:
        return row
    retry = measure_row(fn, args, settings, None, sides, flag)
    if retry["value"] is None:
        return row
    note = f"JS has no estimator {name!r} ({flag}): its default, {retry['method']}, was used"
    return {**retry, "notes": [note, *retry["notes"]], "given": {"method", *retry["given"]}}


def _public(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k not in ("given", "sides")}


_APPLIES = {
    "k": ("--k", "estimates from continuous samples (k nearest neighbours)"),
    "pseudocount": ("--pseudocount", "estimates between two sets of counts or categories"),
    "n": ("--draws", "Monte Carlo estimates from distributions"),
}


def _check_options(rows: dict[str, Any], settings: Settings) -> None:
    """An option that no row could use, or that every row refused, is bad input (exit 2)."""
    checks: list[tuple[str, object, str, str, str]] = [
        ("method", settings.entropy_method, settings.entropy_flag, "entropy", "entropies"),
        ("method", settings.divergence_method, settings.divergence_flag, "", "divergences"),
    ]
    for name, (flag, what) in _APPLIES.items():
        given_value = {"k": settings.k, "pseudocount": settings.pseudocount, "n": settings.draws}
        checks.append((name, given_value[name], flag, "*", what))
    for name, value, flag, rows_of, what in checks:
        if value is None:
            continue
        mine = [
            r for k, r in rows.items()
            if rows_of == "*" or k.startswith("entropy") == (rows_of == "entropy")
        ]  # fmt: skip
        given = [r for r in mine if name in r.get("given", ())]
        if not given:
            if name == "method":
                what = f"estimated {what}; here they are exact (probabilities) or n/a"
            msg = f"{flag} {value} applies to no row of this report: it tunes {what}"
            raise InputError(msg)
        refused = [r for r in given if r["value"] is None and flag in r["reason"]]
        if len(refused) == len(given):
            sides, reason = refused[0]["sides"], str(refused[0]["reason"])
            named = reason.split(" ", 1)[0] in sides  # "P has 3 points": the side is named
            raise InputError(reason if named else f"{', '.join(sides)}: {reason}")


def all_unavailable(report: dict[str, Any]) -> str | None:
    """The first reason, where no measure of the report could be computed (else None)."""
    rows = list(report["measures"].values())
    if rows and all(r["value"] is None for r in rows):
        return str(rows[0]["reason"])
    return None
