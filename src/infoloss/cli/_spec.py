"""Distribution specs in SciPy's words, ``"gamma(a=2, scale=3)"``, parsed safely.

The text is parsed with `ast` and only a call of a name with numeric literal arguments (or
nested lists of them, for multivariate distributions) is accepted; nothing is evaluated.
"""

from __future__ import annotations

import ast
import difflib
import re
from typing import Any

from ._errors import InputError

__all__ = ["looks_like_spec", "parse_spec", "read_spec"]

_SPEC_START = re.compile(r"^\s*(?:scipy\.)?(?:stats\.)?[A-Za-z_][A-Za-z0-9_]*\s*\(")
_PREFIXES = ("scipy.stats.", "stats.")


def looks_like_spec(text: str) -> bool:
    """True for ``name(...)``-like text (a spec, or a malformed one worth a clear error)."""
    return bool(_SPEC_START.match(text))


def _literal(node: ast.expr, text: str) -> Any:
    """A number or a (nested) list of numbers from the syntax tree; anything else is an error."""
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        value = _literal(node.operand, text)
        if isinstance(value, int | float):
            return -value if isinstance(node.op, ast.USub) else value
    if isinstance(node, ast.List | ast.Tuple):
        return [_literal(e, text) for e in node.elts]
    found = ast.get_source_segment(text, node) or type(node).__name__
    msg = f"malformed distribution spec {text!r}: arguments must be numbers; found {found!r}"
    raise InputError(msg)


def parse_spec(text: str) -> tuple[str, list[Any], dict[str, Any]]:
    """``"gamma(2, scale=3)"`` -> ``("gamma", [2], {"scale": 3})``, never evaluating anything.

    Examples
    --------
    >>> parse_spec("gamma(2, scale=3)")
    ('gamma', [2], {'scale': 3})
    >>> parse_spec("norm(loc=-1.5, scale=2e-1)")
    ('norm', [], {'loc': -1.5, 'scale': 0.2})
    """
    body = text.strip()
    for prefix in _PREFIXES:
        body = body.removeprefix(prefix)
    try:
        tree = ast.parse(body, mode="eval").body
    except SyntaxError as exc:
        msg = f"malformed distribution spec {text!r}: {exc.msg} (e.g. norm(loc=0, scale=1))"
        raise InputError(msg) from None
    if not (isinstance(tree, ast.Call) and isinstance(tree.func, ast.Name)):
        msg = f"malformed distribution spec {text!r}: expected name(arguments), e.g. poisson(mu=3)"
        raise InputError(msg)
    kwargs = {}
    for kw in tree.keywords:
        if kw.arg is None:
            msg = f"malformed distribution spec {text!r}: ** is not allowed"
            raise InputError(msg)
        if kw.arg in kwargs:
            msg = f"malformed distribution spec {text!r}: {kw.arg} is given twice"
            raise InputError(msg)
        kwargs[kw.arg] = _literal(kw.value, body)
    if any(isinstance(a, ast.Starred) for a in tree.args):
        msg = f"malformed distribution spec {text!r}: * is not allowed"
        raise InputError(msg)
    return tree.func.id, [_literal(a, body) for a in tree.args], kwargs


def _known_names() -> list[str]:
    from ..distributions import scipy_names

    return scipy_names()


def _reword(exc: Exception, name: str) -> str:
    return str(exc).replace("_parse_args()", f"{name}()")


def _takes(family: Any) -> str:
    """`` (gamma takes a, loc, scale)``: SciPy's parameter names for a univariate family."""
    import scipy.stats

    if not isinstance(family, scipy.stats.rv_continuous | scipy.stats.rv_discrete):
        return ""
    shapes = [s.strip() for s in (family.shapes or "").split(",") if s.strip()]
    shapes += ["loc", "scale"] if isinstance(family, scipy.stats.rv_continuous) else ["loc"]
    return f" ({family.name} takes {', '.join(shapes)})"


def read_spec(text: str, side: str) -> Any:
    """The SciPy frozen distribution a spec names, checked by converting it to infoloss's."""
    import scipy.stats

    from ..distributions import from_scipy

    try:
        name, args, kwargs = parse_spec(text)
    except InputError as exc:
        raise InputError(f"{side}: {exc}") from None
    known = _known_names()
    if name not in known:
        close = difflib.get_close_matches(name, known, n=3)
        hint = f"did you mean {' or '.join(close)}? " if close else ""
        where = (
            "scipy.stats has it, but infoloss does not convert it"
            if hasattr(scipy.stats, name)
            else "not a distribution infoloss knows"
        )
        msg = f"{side}: unknown distribution {name!r} ({where}); {hint}known: {', '.join(known)}"
        raise InputError(msg)
    family = getattr(scipy.stats, name)
    try:
        frozen = family(*args, **kwargs)
        from_scipy(frozen, side)  # checks the parameters (scale > 0, ...) with infoloss's words
    except (TypeError, ValueError) as exc:
        msg = f"{side}: bad distribution spec {text!r}: {_reword(exc, name)}{_takes(family)}"
        raise InputError(msg) from None
    return frozen
