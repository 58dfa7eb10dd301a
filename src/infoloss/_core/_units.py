"""Results in the unit asked for: nats to bits or any base, and JS to its square root."""

from __future__ import annotations

from typing import Any

from ._array_api import Namespace, to_output
from ._estimate import Estimate

__all__ = ["in_units"]


def in_units(res: Any, factor: float | None, sqrt: bool, xp: Namespace) -> Any:
    """Nats to the unit of ``factor = log(base)`` (None: nats), and JS to its square root, for
    arrays and estimates; the result is in the library's output form (`to_output`).

    Examples
    --------
    >>> import math
    >>> import numpy as np
    >>> float(in_units(np.asarray(math.log(2)), math.log(2), False, np))
    1.0
    """
    if isinstance(res, Estimate):
        value, se, bias = res.value, res.stderr, res.bias
        if factor is not None:
            value, se = value / factor, se / factor
            bias = None if bias is None else bias / factor
        if sqrt:
            # delta method se(sqrt v) = se(v) / (2 sqrt v); at v <= 0 (an estimate can be)
            # it breaks down, and sqrt(se) bounds the spread: sqrt(v + s) - sqrt(v) <= sqrt(s)
            root = xp.sqrt(xp.where(value < 0, xp.zeros_like(value), value))
            positive = root > 0
            safe = xp.where(positive, root, xp.ones_like(root))
            if bias is not None:  # the bias of the root: sqrt(v) - sqrt(v - b), v - b held >= 0
                shifted = value - xp.asarray(bias)
                shifted = xp.where(shifted < 0, xp.zeros_like(shifted), shifted)
                bias = root - xp.sqrt(shifted)
            value, se = root, xp.where(positive, se / (2 * safe), xp.sqrt(se))
        if bias is not None:
            bias = to_output(xp.asarray(bias), xp)
        return Estimate(to_output(value, xp), to_output(se, xp), res.method, res.n, bias=bias)
    if factor is not None:
        res = res / factor
    if sqrt:  # double where: at JS == 0 (p == q) the value is 0 and the gradient 0, not NaN
        zero = res == 0
        res = xp.where(zero, xp.zeros_like(res), xp.sqrt(xp.where(zero, xp.ones_like(res), res)))
    return to_output(res, xp)
