"""The `infoloss` command: the worked example, run as a user runs it (a subprocess)."""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pytest

import infoloss as il
from infoloss.datasets import EQUAL, FAT_TAILED


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "infoloss", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _value(out: str, label: str) -> float:
    line = next(ln for ln in out.splitlines() if ln.startswith(label + " "))
    return float(line.split()[len(label.split())])


def test_no_arguments_prints_the_worked_example_in_bits() -> None:
    done = _run()
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "synthetic" in out
    assert _value(out, "H(E)") == pytest.approx(math.log2(10), abs=5e-5)  # uniform over 10
    assert _value(out, "H(F)") == pytest.approx(float(il.entropy(FAT_TAILED, base=2)), abs=5e-5)
    kl_ef = float(il.kl_divergence(EQUAL, FAT_TAILED, base=2))
    kl_fe = float(il.kl_divergence(FAT_TAILED, EQUAL, base=2))
    assert _value(out, "KL(E ‖ F)") == pytest.approx(kl_ef, abs=5e-5)
    assert _value(out, "KL(F ‖ E)") == pytest.approx(kl_fe, abs=5e-5)
    assert _value(out, "H(E, F)") == pytest.approx(_value(out, "H(E)") + kl_ef, abs=2e-4)
    assert "KL is not symmetric" in out


def test_example_in_nats() -> None:
    done = _run("example", "--base", "nats")
    assert done.returncode == 0, done.stderr
    assert _value(done.stdout, "H(E)") == pytest.approx(np.log(10), abs=5e-5)


def test_bad_base_is_one_line_and_exit_code_2() -> None:
    done = _run("example", "--base", "1")
    assert done.returncode == 2
    assert done.stderr.startswith("infoloss: error: --base must be")  # the flag, not `base`
    assert "Traceback" not in done.stderr


def test_help_explains_the_commands() -> None:
    done = _run("--help")
    assert done.returncode == 0
    assert "worked example" in done.stdout
    assert "example" in done.stdout
