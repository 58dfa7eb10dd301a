"""Numbers as probabilities, counts or samples: inline lists, JSON and one-row tables.

`from_list` decides between probabilities (summing to 1) and counts (whole numbers) unless
``--as`` says; the checks name the side and the place the numbers came from.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ._errors import InputError
from ._operand import Operand

__all__ = ["from_array", "from_json", "from_list", "is_number", "samples", "typed", "values_as"]


def values_as(
    values: np.ndarray[Any, Any],
    cats: np.ndarray[Any, Any] | None,
    side: str,
    where: str,
    as_kind: str | None,
) -> Operand:
    if as_kind in ("counts", "probs"):
        return from_list(values, cats, side, where, as_kind)
    return samples(values, side, where, as_kind)


def samples(values: np.ndarray[Any, Any], side: str, where: str, as_kind: str | None) -> Operand:
    if values.shape[0] == 0:
        msg = f"{side}: {_place(where)} holds no values"
        raise InputError(msg)
    discrete = values.dtype.kind not in "fc"
    assumed = "--as samples" if as_kind == "samples" else ""
    return Operand(side, "samples", where, values=values, assumed=assumed, discrete=discrete)


def from_array(arr: np.ndarray[Any, Any], side: str, where: str, as_kind: str | None) -> Operand:
    if arr.ndim not in (1, 2) or arr.size == 0:
        msg = (
            f"{side}: {_place(where)} holds an array of shape {arr.shape}; expected (n,) or (n, d)"
        )
        raise InputError(msg)
    if as_kind in ("counts", "probs"):
        if arr.ndim != 1:
            msg = f"{side}: --as {as_kind} needs a 1-D array; found shape {arr.shape}"
            raise InputError(msg)
        return from_list(arr, None, side, where, as_kind)
    return samples(arr, side, where, as_kind)


def from_json(obj: Any, side: str, where: str, as_kind: str | None) -> Operand:
    if isinstance(obj, dict):
        if not obj:
            msg = f"{side}: {_place(where)} is an empty mapping"
            raise InputError(msg)
        cats = typed([str(k) for k in obj], side, where)
        weights = np.asarray(list(obj.values()))
        if weights.dtype.kind not in "iuf":
            msg = f"{side}: the values of the mapping ({_place(where)}) must be numbers"
            raise InputError(msg)
        return from_list(weights, cats, side, where, as_kind)
    if not isinstance(obj, list):
        msg = f"{side}: {_place(where)} must be a JSON list or a {{category: count}} mapping"
        raise InputError(msg)
    if not obj:
        msg = f"{side}: {_place(where)} is empty"
        raise InputError(msg)
    arr = np.asarray(obj)
    if arr.dtype.kind in "iuf" and arr.ndim == 1:
        return from_list(arr, None, side, where, as_kind)
    return from_array(arr, side, where, "samples")


def from_list(
    weights: np.ndarray[Any, Any],
    cats: np.ndarray[Any, Any] | None,
    side: str,
    where: str,
    as_kind: str | None,
) -> Operand:
    """Numbers that are probabilities or counts (or, with ``--as samples``, draws)."""
    if as_kind == "samples":
        return samples(weights, side, where, as_kind)
    if weights.size == 0:
        msg = f"{side}: {_place(where)} holds no numbers"
        raise InputError(msg)
    if weights.dtype.kind not in "iuf":
        msg = (
            f"{side}: probabilities and counts must be numbers; found {weights.flat[0]!r} "
            f"({_place(where)})"
        )
        raise InputError(msg)
    w = weights.astype(np.float64)
    _check_weights(w, side, where)
    whole = bool(np.all(w == np.floor(w)))
    total = float(w.sum())
    kind, assumed = as_kind, f"--as {as_kind}"
    if kind is None:
        sums_to_one = math.isclose(total, 1.0, rel_tol=0, abs_tol=1e-6)
        kind = "counts" if whole and not sums_to_one else "probs"
        assumed = ""
        if kind == "probs" and not sums_to_one:
            msg = (
                f"{side}: {w.size} numbers ({where}) summing to {total:.6g} are neither "
                "probabilities (they must sum to 1) nor counts (whole numbers); "
                "use --as samples to treat them as draws"
            )
            raise InputError(msg)
    if cats is not None and len(set(cats.tolist())) != cats.size:
        msg = f"{side}: {_place(where)} lists a category twice"
        raise InputError(msg)
    return Operand(side, kind, where, weights=w, categories=cats, assumed=assumed)


def _check_weights(w: np.ndarray[Any, Any], side: str, where: str) -> None:
    bad = ~np.isfinite(w)
    if bad.any():
        i = int(np.argmax(bad))
        msg = f"{side}: {_place(where)} has a non-finite entry ({w[i]} at index {i})"
        raise InputError(msg)
    if (w < 0).any():
        i = int(np.argmax(w < 0))
        msg = (
            f"{side}: negative probability or count {w[i]:g} at index {i} of {_place(where)}; "
            "probabilities and counts must be >= 0"
        )
        raise InputError(msg)


def _place(where: str) -> str:
    return "the inline list" if where == "inline" else where


def is_number(word: str) -> bool:
    try:
        float(word)
    except ValueError:
        return False
    return True


def typed(words: list[str], side: str = "", where: str = "") -> np.ndarray[Any, Any]:
    """Strings to int64 where all are whole numbers, float64 where all are numbers, else str."""
    empty = [i for i, w in enumerate(words) if not w.strip()]
    if empty:
        msg = f"{side}: {where} has {len(empty)} empty cell(s) (first at row {empty[0] + 1})"
        raise InputError(msg)
    try:
        return np.array([int(w) for w in words], dtype=np.int64)
    except (ValueError, OverflowError):
        pass
    try:
        return np.array([float(w) for w in words], dtype=np.float64)
    except ValueError:
        return np.array([w.strip() for w in words])
