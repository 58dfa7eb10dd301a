"""Shared fixtures: a `Backend` enum and an `xp` fixture that runs a test on every array library.

Tests build their inputs in NumPy (float64, seeded), move them to the backend under test with
`to_xp`, and bring results back with `to_numpy` to compare against SciPy / PyTorch references.
"""

from __future__ import annotations

import enum
import importlib
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pytest
from hypothesis import settings

# The property tests draw the same examples on every machine and every run (a failure seen on a
# user's machine is seen in CI too); `pytest --hypothesis-profile=explore` searches afresh.
settings.register_profile("deterministic", derandomize=True)
settings.register_profile("explore", derandomize=False, max_examples=500)
settings.load_profile("deterministic")


class Backend(enum.Enum):
    """Array libraries the suite runs on (JAX only where it is installed)."""

    NUMPY = "numpy"
    ARRAY_API_STRICT = "array_api_strict"
    TORCH = "torch"
    JAX = "jax"

    @property
    def module_name(self) -> str:
        return "jax.numpy" if self is Backend.JAX else self.value


def _jax_available() -> bool:
    try:
        import jax  # noqa: F401
    except ImportError:
        return False
    return True


BACKENDS = [b for b in Backend if b is not Backend.JAX or _jax_available()]


@pytest.fixture(params=BACKENDS, ids=[b.value for b in BACKENDS])
def backend(request: pytest.FixtureRequest) -> Backend:
    """The backend under test (skipped when its package is missing)."""
    b: Backend = request.param
    pytest.importorskip(b.value)
    if b is Backend.JAX:
        import jax

        jax.config.update("jax_enable_x64", True)
    return b


@pytest.fixture
def xp(backend: Backend) -> ModuleType:
    """The namespace of the backend under test: numpy, array_api_strict, torch, jax.numpy."""
    return importlib.import_module(backend.module_name)


def to_xp(xp: ModuleType, a: Any, dtype: Any = None, device: Any = None) -> Any:
    """Build an array of namespace `xp` from a NumPy array (or anything np.asarray accepts)."""
    arr = np.asarray(a)
    kwargs: dict[str, Any] = {}
    if isinstance(dtype, str):  # cast in NumPy: every backend then gets the very same numbers
        arr = arr.astype(dtype)
    elif dtype is not None:
        kwargs["dtype"] = dtype
    if device is not None:
        kwargs["device"] = device
    if xp.__name__ == "torch":
        return xp.asarray(arr.copy(), **kwargs)
    return xp.asarray(arr, **kwargs)


def to_numpy(x: Any) -> np.ndarray:
    """Bring a result of any backend back to a NumPy array (0-d for scalars)."""
    if isinstance(x, np.ndarray | np.generic | float | int):
        return np.asarray(x)
    module = type(x).__module__
    if module.startswith("torch"):
        return np.asarray(x.detach().cpu().numpy())
    if module.startswith("array_api_strict"):
        import array_api_strict

        return np.asarray(x.to_device(array_api_strict.Device("CPU_DEVICE")))
    return np.asarray(x)


def default_float(xp: ModuleType) -> Any:
    """The default floating dtype of `xp` (float64 numpy/array_api_strict, float32 torch)."""
    if xp.__name__ == "torch":
        return xp.get_default_dtype()
    return xp.__array_namespace_info__().default_dtypes()["real floating"]


def dtype_name(x: Any) -> str:
    """'float32' / 'float64' for an array or NumPy scalar of any backend."""
    return str(x.dtype).rsplit(".", 1)[-1]


def normalized(a: np.ndarray, axis: int | tuple[int, ...] = -1) -> np.ndarray:
    """Divide non-negative weights by their sum along `axis` (float64)."""
    a = np.asarray(a, dtype=np.float64)
    return a / a.sum(axis=axis, keepdims=True)


def random_probs(
    rng: np.random.Generator,
    shape: tuple[int, ...],
    axis: int | tuple[int, ...] = -1,
    zeros: float = 0.0,
) -> np.ndarray:
    """Random probabilities of `shape`, normalised along `axis`; a fraction `zeros` set to 0.

    At least one entry per row stays positive (the first along the reduced axes).
    """
    w = rng.random(shape) + 0.05
    if zeros:
        w[rng.random(shape) < zeros] = 0.0
        axes = (axis,) if isinstance(axis, int) else axis
        axes = tuple(ax % len(shape) for ax in axes)
        first = tuple(slice(0, 1) if i in axes else slice(None) for i in range(len(shape)))
        w[first] = rng.random(w[first].shape) + 0.05
    return normalized(w, axis)


@pytest.fixture
def cli(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Any:
    """``cli(*args)`` -> (exit code, stdout, stderr) of `infoloss.cli.main`, the function the
    installed command runs, in `tmp_path`: in-process, for the cases that import SciPy's
    distributions or matplotlib (seconds per subprocess)."""
    from infoloss.cli import main

    monkeypatch.chdir(tmp_path)

    def run(*args: str) -> tuple[int, str, str]:
        code = main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    return run


def cli_error(cli: Any, *args: str) -> str:
    """The one-line error of a CLI run that must fail as bad input (exit 2, nothing on
    stdout), without its ``infoloss: error:`` prefix."""
    code, out, err = cli(*args)
    assert code == 2, out + err
    assert out == ""
    assert len(err.strip().splitlines()) == 1, err
    assert err.startswith("infoloss: error: ")
    return err.strip().removeprefix("infoloss: error: ")


def cli_report(cli: Any, *args: str) -> dict[str, Any]:
    """The ``--json`` report of a CLI run that must succeed."""
    import json

    code, out, err = cli(*args, "--json")
    assert code == 0, err
    report: dict[str, Any] = json.loads(out)
    return report
