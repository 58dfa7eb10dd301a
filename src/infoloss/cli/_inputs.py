"""Reading one side of a comparison: a file, an inline list or a distribution spec.

Each argument becomes an `Operand` that says what it is (samples, counts, probabilities or a
distribution), where it came from and why that kind was assumed; nothing is computed here.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ._errors import InputError
from ._spec import looks_like_spec, read_spec
from ._tables import read_npy, read_parquet, read_table

__all__ = ["KINDS", "Operand", "load"]

KINDS = ("samples", "counts", "probs")
_PROB_NAMES = frozenset({"p", "prob", "probs", "probability", "probabilities"})
_COUNT_NAMES = frozenset({"count", "counts", "n", "freq", "frequency", "frequencies"})
_SPLIT = re.compile(r"[\s,;]+")


@dataclass
class Operand:
    """One side of the comparison, as read from the command line."""

    side: str
    kind: str  # "samples", "counts", "probs" or "model"
    source: str  # "inline", "income.csv column bracket", ...
    values: np.ndarray[Any, Any] | None = None  # samples: (n,) or (n, d)
    weights: np.ndarray[Any, Any] | None = None  # counts or probabilities
    categories: np.ndarray[Any, Any] | None = None  # labels of `weights`; None: by position
    model: Any = None  # a SciPy frozen distribution
    assumed: str = ""  # why this kind was assumed
    discrete: bool = True

    @property
    def n(self) -> int:
        if self.values is not None:
            return int(self.values.shape[0])
        if self.kind == "counts" and self.weights is not None:
            return int(self.weights.sum())
        return 0

    def describe(self) -> str:
        """``"Q: 2,000 samples, categorical (10 categories), from income.csv column bracket"``."""
        why = f"; {self.assumed}" if self.assumed else ""
        where = "(inline)" if self.source == "inline" else f"from {self.source}"
        if self.kind == "model":
            what = "discrete" if self.discrete else "continuous"
            return f"{self.side}: distribution {self.source}, {what} (SciPy's parametrisation)"
        if self.kind == "samples":
            assert self.values is not None
            dims = f" of dimension {self.values.shape[1]}" if self.values.ndim == 2 else ""
            if self.discrete:
                k = len(np.unique(self.values))
                what = f"categorical ({k} categor{'y' if k == 1 else 'ies'})"
            else:
                what = "continuous"
            where = "given inline" if self.source == "inline" else where
            return f"{self.side}: {self.n:,} samples{dims}, {what}, {where}{why}"
        assert self.weights is not None
        k = self.weights.shape[0]
        if self.kind == "counts":
            return f"{self.side}: {self.n:,} counts in {k} categories {where}{why}"
        return f"{self.side}: {k} probabilities {where}{why}"


def load(
    text: str, side: str, *, as_kind: str | None = None, column: str | None = None
) -> Operand:
    """Read one argument of ``infoloss compare`` / ``infoloss entropy``."""
    path = Path(text)
    if path.is_dir():
        msg = f"{side}: {text!r} is a directory, not a file"
        raise InputError(msg)
    if path.exists():
        return _from_file(path, text, side, as_kind, column)
    if looks_like_spec(text):
        return _from_spec(text, side)
    stripped = text.strip()
    if stripped[:1] in "[{":
        try:
            obj = json.loads(stripped)
        except json.JSONDecodeError as exc:
            msg = f"{side}: malformed JSON list {text!r}: {exc.msg} at character {exc.pos}"
            raise InputError(msg) from None
        return _from_json(obj, side, "inline", as_kind)
    words = [w for w in _SPLIT.split(stripped) if w]
    if words and all(_is_number(w) for w in words):
        return _from_list(_typed(words), None, side, "inline", as_kind)
    if not stripped:
        msg = f"{side}: empty argument; expected a file, a list of numbers or a distribution"
        raise InputError(msg)
    if path.suffix or "/" in text or "\\" in text:
        msg = f"{side}: file not found: {text}"
        raise InputError(msg)
    msg = (
        f"{side}: cannot read {text!r}: it is not a file, a list of numbers "
        '("0.2,0.3,0.5") or a distribution spec ("norm(loc=0, scale=1)")'
    )
    raise InputError(msg)


def _from_spec(text: str, side: str) -> Operand:
    frozen = read_spec(text, side)
    import scipy.stats

    discrete = isinstance(getattr(frozen, "dist", None), scipy.stats.rv_discrete)
    return Operand(side, "model", " ".join(text.split()), model=frozen, discrete=discrete)


def _from_file(
    path: Path, text: str, side: str, as_kind: str | None, column: str | None
) -> Operand:
    suffix = path.suffix.lower()
    try:
        if suffix == ".npy":
            return _from_array(read_npy(path, side), side, text, as_kind)
        if suffix == ".json":
            try:
                obj = json.loads(path.read_text(encoding="utf-8"))
            except json.JSONDecodeError as exc:
                msg = f"{side}: {text} is not valid JSON: {exc.msg} at line {exc.lineno}"
                raise InputError(msg) from None
            return _from_json(obj, side, text, as_kind)
        header: list[str] | None
        if suffix in (".parquet", ".pq"):
            header, columns = read_parquet(path, side)
        else:
            header, columns = read_table(path, side, column)
    except UnicodeDecodeError:
        msg = f"{side}: {text} is not a text file (expected CSV/TSV, one value per line, .npy)"
        raise InputError(msg) from None
    return _from_columns(header, columns, side, text, as_kind, column)


def _from_columns(
    header: list[str] | None,
    columns: list[list[str]],
    side: str,
    text: str,
    as_kind: str | None,
    column: str | None,
) -> Operand:
    names = header or []
    if column is not None:
        if column not in names:
            listed = ", ".join(names) if names else "none: the file has no header row"
            msg = f"{side}: unknown column {column!r} in {text}; available columns: {listed}"
            raise InputError(msg)
        values = _typed(columns[names.index(column)], side, f"{text} column {column}")
        return _values_as(values, None, side, f"{text} column {column}", as_kind)
    lowered = [n.strip().lower() for n in names]
    weight_cols = [i for i, n in enumerate(lowered) if n in _PROB_NAMES | _COUNT_NAMES]
    if len(columns) == 2 and len(weight_cols) == 1 and as_kind in (None, "counts", "probs"):
        (w,) = weight_cols
        named = "probs" if lowered[w] in _PROB_NAMES else "counts"
        cats = _typed(columns[1 - w], side, text)
        weights = _typed(columns[w], side, f"{text} column {names[w]}")
        where = f"{text} column {names[w]}"
        if as_kind is not None:
            return _from_list(weights, cats, side, where, as_kind)
        op = _from_list(weights, cats, side, where, named)
        op.assumed = f"as the column is named {names[w]!r}"
        return op
    if len(columns) == 1:
        where = f"{text} column {names[0]}" if names else text
        return _values_as(_typed(columns[0], side, where), None, side, where, as_kind)
    if header is None and len(columns[0]) == 1:  # a single row: a list of numbers
        return _from_list(_typed([c[0] for c in columns], side, text), None, side, text, as_kind)
    if header is None:  # several numeric columns without names: vectors
        rows = np.column_stack([_typed(c, side, text) for c in columns])
        if rows.dtype.kind not in "iuf":
            msg = f"{side}: {text} has {len(columns)} columns and no header row"
            raise InputError(msg)
        return _samples(rows.astype(np.float64), side, text, as_kind)
    msg = (
        f"{side}: {text} has {len(columns)} columns ({', '.join(names)}); "
        "choose one with --column NAME"
    )
    raise InputError(msg)


def _values_as(
    values: np.ndarray[Any, Any],
    cats: np.ndarray[Any, Any] | None,
    side: str,
    where: str,
    as_kind: str | None,
) -> Operand:
    if as_kind in ("counts", "probs"):
        return _from_list(values, cats, side, where, as_kind)
    return _samples(values, side, where, as_kind)


def _samples(values: np.ndarray[Any, Any], side: str, where: str, as_kind: str | None) -> Operand:
    if values.shape[0] == 0:
        msg = f"{side}: {_place(where)} holds no values"
        raise InputError(msg)
    discrete = values.dtype.kind not in "fc"
    assumed = "--as samples" if as_kind == "samples" else ""
    return Operand(side, "samples", where, values=values, assumed=assumed, discrete=discrete)


def _from_array(arr: np.ndarray[Any, Any], side: str, where: str, as_kind: str | None) -> Operand:
    if arr.ndim not in (1, 2) or arr.size == 0:
        msg = (
            f"{side}: {_place(where)} holds an array of shape {arr.shape}; expected (n,) or (n, d)"
        )
        raise InputError(msg)
    if as_kind in ("counts", "probs"):
        if arr.ndim != 1:
            msg = f"{side}: --as {as_kind} needs a 1-D array; found shape {arr.shape}"
            raise InputError(msg)
        return _from_list(arr, None, side, where, as_kind)
    return _samples(arr, side, where, as_kind)


def _from_json(obj: Any, side: str, where: str, as_kind: str | None) -> Operand:
    if isinstance(obj, dict):
        if not obj:
            msg = f"{side}: {_place(where)} is an empty mapping"
            raise InputError(msg)
        cats = _typed([str(k) for k in obj], side, where)
        weights = np.asarray(list(obj.values()))
        if weights.dtype.kind not in "iuf":
            msg = f"{side}: the values of the mapping ({_place(where)}) must be numbers"
            raise InputError(msg)
        return _from_list(weights, cats, side, where, as_kind)
    if not isinstance(obj, list):
        msg = f"{side}: {_place(where)} must be a JSON list or a {{category: count}} mapping"
        raise InputError(msg)
    if not obj:
        msg = f"{side}: {_place(where)} is empty"
        raise InputError(msg)
    arr = np.asarray(obj)
    if arr.dtype.kind in "iuf" and arr.ndim == 1:
        return _from_list(arr, None, side, where, as_kind)
    return _from_array(arr, side, where, "samples")


def _from_list(
    weights: np.ndarray[Any, Any],
    cats: np.ndarray[Any, Any] | None,
    side: str,
    where: str,
    as_kind: str | None,
) -> Operand:
    """Numbers that are probabilities or counts (or, with ``--as samples``, draws)."""
    if as_kind == "samples":
        return _samples(weights, side, where, as_kind)
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


def _is_number(word: str) -> bool:
    try:
        float(word)
    except ValueError:
        return False
    return True


def _typed(words: list[str], side: str = "", where: str = "") -> np.ndarray[Any, Any]:
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
