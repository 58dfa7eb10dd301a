"""``infoloss compare`` / ``infoloss entropy``, run as a user runs them: the installed command.

Numbers in ``--json`` are checked against the library's own functions on the same inputs (same
seed, so the same estimate) and, for the bundled example, against the exact values of the
bracket probabilities the synthetic people were drawn from.
"""

from __future__ import annotations

import io
import json
import math
import shutil
import subprocess
import sys
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import scipy.stats

import infoloss as il
from infoloss.cli import main
from infoloss.cli._errors import InputError
from infoloss.cli._methods import flag_words
from infoloss.cli._progress import Progress
from infoloss.cli._spec import parse_spec
from infoloss.datasets import EQUAL, FAT_TAILED, make_income
from infoloss.distributions._measure import NoClosedFormError

DATA = Path(make_income.__file__).parent
_EXE = shutil.which("infoloss", path=str(Path(sys.executable).parent))
COMMAND = [_EXE] if _EXE else [sys.executable, "-m", "infoloss"]
BITS_RTOL = 4 * float(np.finfo(float).eps)  # a value in bits: log x / log 2, two logs
KEYS = (
    "entropy_p",
    "entropy_q",
    "cross_entropy_pq",
    "cross_entropy_qp",
    "kl_pq",
    "kl_qp",
    "js_divergence",
    "js_distance",
)


def _run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*COMMAND, *args], capture_output=True, text=True, timeout=120, check=False, cwd=cwd
    )


def _json(*args: str, cwd: Path | None = None) -> dict[str, Any]:
    done = _run(*args, "--json", cwd=cwd)
    assert done.returncode == 0, done.stderr
    report: dict[str, Any] = json.loads(done.stdout)
    return report


def _loads(result: tuple[int, str, str]) -> dict[str, Any]:
    code, out, err = result
    assert code == 0, err
    report: dict[str, Any] = json.loads(out)
    return report


def _library(fn: Any, *args: Any, **kwargs: Any) -> float | None:
    """What the CLI should print: the public function's value (None where it refuses)."""
    return _library_noted(fn, *args, **kwargs)[0]


def _library_noted(fn: Any, *args: Any, **kwargs: Any) -> tuple[float | None, list[str]]:
    """The public function's value and the warnings it gave (the CLI's notes)."""
    kwargs = {"base": 2, "rng": 0, **kwargs}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            try:
                value: float | None = float(fn(*args, **kwargs))
            except NoClosedFormError:
                value = float(fn(*args, **{**kwargs, "method": "mc"}))
        except (TypeError, ValueError, NotImplementedError, ImportError):
            value = None
    return value, [" ".join(str(w.message).split()) for w in caught]


# the entropy estimator inside each KL estimator of data (Zhang & Grabchak 2014 subtract
# Zhang's entropy; Wang-Kulkarni-Verdu's KL is the kNN cross-entropy minus Kozachenko-Leonenko)
PAIRED = {"zhang_grabchak": "zhang", "wkv": "kl"}


def _entropy_method(report: dict[str, Any], key: str, arg: Any) -> dict[str, str]:
    """The entropy rows of data use the estimator inside the KL row of the same side."""
    if not key.startswith("entropy") or not isinstance(arg, il.Samples | il.Counts):
        return {}
    kl = report["measures"][{"entropy_p": "kl_pq", "entropy_q": "kl_qp"}[key]]["method"]
    if kl is None or "+" in kl:
        return {}
    name = kl.removeprefix("nll-")
    return {"method": PAIRED.get(name, name)}


def _value(row: dict[str, Any]) -> float | None:
    v = row["value"]
    return None if v is None else float(v)  # float("inf") reads the string "inf"


def _check_against_library(report: dict[str, Any], p: Any, q: Any) -> None:
    fns = {
        "entropy_p": (il.entropy, (p,)),
        "entropy_q": (il.entropy, (q,)),
        "cross_entropy_pq": (il.cross_entropy, (p, q)),
        "cross_entropy_qp": (il.cross_entropy, (q, p)),
        "kl_pq": (il.kl_divergence, (p, q)),
        "kl_qp": (il.kl_divergence, (q, p)),
        "js_divergence": (il.js_divergence, (p, q)),
        "js_distance": (il.js_distance, (p, q)),
    }
    assert list(report["measures"]) == list(KEYS)
    for key, (fn, args) in fns.items():
        expected, said = _library_noted(fn, *args, **_entropy_method(report, key, args[0]))
        got = _value(report["measures"][key])
        for note in said:  # every warning of the library reaches the report, in the CLI's words
            sides = (
                ("P", "Q")
                if key.endswith(("_p", "pq", "js_divergence", "js_distance"))
                else ("Q", "P")
            )
            assert flag_words(note, sides) in report["measures"][key]["notes"], (key, note)
        if expected is None:
            assert got is None, key
            assert report["measures"][key]["reason"], key
        else:
            assert got == pytest.approx(expected, rel=1e-12, abs=1e-12), key


# --------------------------------------------------------------------------- the example
def test_bundled_data_is_what_the_script_makes() -> None:
    for name in make_income.FILES:
        assert (DATA / name).read_text(encoding="utf-8") == make_income.csv_text(name)
        assert "SYNTHETIC" in (DATA / name).read_text(encoding="utf-8").splitlines()[0]


def test_bundled_data_follows_the_bracket_probabilities() -> None:
    # each bracket count is Binomial(n, p): within 4 standard deviations
    for name, probs in (("income_equal.csv", EQUAL), ("income_fat.csv", FAT_TAILED)):
        x = np.loadtxt(DATA / name, comments="#", skiprows=5, dtype=np.int64)
        n = make_income.N_PEOPLE
        assert x.shape == (n,)
        counts = np.bincount(x, minlength=11)[1:]
        assert np.all(np.abs(counts - n * probs) <= 4 * np.sqrt(n * probs * (1 - probs)))


def test_no_arguments_runs_the_bundled_synthetic_example() -> None:
    done = _run("compare")
    assert done.returncode == 0, done.stderr
    assert "SYNTHETIC" in done.stdout
    assert "P: 3,000 samples, categorical (10 categories)" in done.stdout
    kl = next(ln for ln in done.stdout.splitlines() if ln.startswith("KL(P ‖ Q)"))
    assert kl.split()[5] == f"{float(il.kl_divergence(EQUAL, FAT_TAILED, base=2)):.4f}"
    assert done.stderr == ""  # no progress bar when stderr is not a terminal


def test_example_json_matches_the_library_and_the_exact_values() -> None:
    report = _json("compare")
    assert report["unit"] == "bits"
    assert "SYNTHETIC" in report["note"]
    load = lambda f: np.loadtxt(DATA / f, comments="#", skiprows=5, dtype=np.int64)  # noqa: E731
    P, Q = il.Samples(load("income_equal.csv")), il.Samples(load("income_fat.csv"))
    _check_against_library(report, P, Q)
    exact = {
        "entropy_p": il.entropy(EQUAL, base=2),
        "entropy_q": il.entropy(FAT_TAILED, base=2),
        "cross_entropy_pq": il.cross_entropy(EQUAL, FAT_TAILED, base=2),
        "cross_entropy_qp": il.cross_entropy(FAT_TAILED, EQUAL, base=2),
        "kl_pq": il.kl_divergence(EQUAL, FAT_TAILED, base=2),
        "kl_qp": il.kl_divergence(FAT_TAILED, EQUAL, base=2),
        "js_divergence": il.js_divergence(EQUAL, FAT_TAILED, base=2),
        "js_distance": il.js_distance(EQUAL, FAT_TAILED, base=2),
    }
    for key, value in exact.items():
        assert report["exact"][key] == pytest.approx(float(value), rel=1e-12)
        row = report["measures"][key]
        # the same story as the worked example: within 4 standard errors of the exact value
        assert abs(row["value"] - float(value)) < 4 * row["stderr"], (key, row)
        lo, hi = row["interval"]
        assert lo < row["value"] < hi


# --------------------------------------------------------------------------- input kinds
def test_inline_probabilities_are_exact() -> None:
    p, q = [0.5, 0.25, 0.25], [0.25, 0.25, 0.5]
    report = _json("compare", "0.5,0.25,0.25", "[0.25, 0.25, 0.5]")
    assert report["P"]["description"] == "P: 3 probabilities (inline)"
    assert report["P"]["kind"] == report["Q"]["kind"] == "probs"
    _check_against_library(report, np.array(p), np.array(q))
    assert {r["method"] for r in report["measures"].values()} == {"exact"}
    assert report["measures"]["kl_pq"]["value"] == pytest.approx(0.25)


def test_infinite_kl_is_the_string_inf_in_json(cli: Any) -> None:
    report = _loads(cli("compare", "0.5,0.5", "1,0", "--as", "probs", "--json"))
    assert report["measures"]["kl_pq"]["value"] == "inf"
    # 1 bit: log 2 in nats (the kernel's log, SIMD or compiled) over log 2 (math.log), two
    # faithfully rounded logs of 2, so 1 to within an ulp or two rather than bit for bit
    assert report["measures"]["kl_qp"]["value"] == pytest.approx(1.0, rel=BITS_RTOL, abs=0)


def test_distribution_specs_closed_form_and_monte_carlo(cli: Any) -> None:
    report = _loads(
        cli("compare", "norm(loc=0, scale=1)", "gamma(a=2, scale=3)", "--base", "nats", "--json")
    )
    P, Q = scipy.stats.norm(loc=0, scale=1), scipy.stats.gamma(a=2, scale=3)
    assert report["unit"] == "nats"
    assert report["measures"]["kl_qp"]["method"] == "closed form"
    assert report["measures"]["kl_pq"]["value"] == "inf"  # the normal puts mass below 0
    for key, fn, args in (
        ("kl_qp", il.kl_divergence, (Q, P)),
        ("entropy_q", il.entropy, (Q,)),
        ("js_divergence", il.js_divergence, (P, Q)),
    ):
        expected = _library(fn, *args, base="nats")
        assert report["measures"][key]["value"] == pytest.approx(expected, rel=1e-12)


def test_samples_file_with_column_against_a_model(cli: Any, tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    x = rng.normal(1.0, 2.0, 400)
    rows = [f"{float(v)!r},{g}" for v, g in zip(x, rng.choice(["a", "b"], 400), strict=True)]
    (tmp_path / "people.csv").write_text("height,group\n" + "\n".join(rows) + "\n")
    report = _loads(
        cli("compare", "people.csv", "norm(loc=1, scale=2)", "--column", "height", "--json")
    )
    assert report["P"]["description"].startswith("P: 400 samples, continuous")
    _check_against_library(report, il.Samples(x), scipy.stats.norm(1, 2))
    h_pq = report["measures"]["cross_entropy_pq"]
    assert h_pq["method"] == "nll"  # the mean negative log-likelihood, in bits
    nll = -np.mean(scipy.stats.norm(1, 2).logpdf(x)) / math.log(2)
    assert h_pq["value"] == pytest.approx(nll, rel=1e-12)


def test_categorical_files_counts_and_mappings(cli: Any, tmp_path: Path) -> None:
    (tmp_path / "colors.txt").write_text("red\n" * 30 + "blue\n" * 20 + "green\n" * 10)
    (tmp_path / "table.csv").write_text("color,probability\nred,0.2\nblue,0.3\ngreen,0.5\n")
    report = _loads(cli("compare", "colors.txt", "table.csv", "--json"))
    assert report["P"]["description"] == (
        "P: 60 samples, categorical (3 categories), from colors.txt"
    )
    assert report["Q"]["kind"] == "probs"
    # the data are counted on the probabilities' categories (red, blue, green)
    _check_against_library(report, il.Counts([30, 20, 10]), np.array([0.2, 0.3, 0.5]))
    counts = _loads(cli("entropy", '{"red": 3, "blue": 2, "green": 1}', "--json"))
    assert counts["X"]["kind"] == "counts"
    assert _value(counts["measures"]["entropy"]) == _library(il.entropy, il.Counts([3, 2, 1]))


def test_npy_json_file_and_as_override(cli: Any, tmp_path: Path) -> None:
    draws = np.random.default_rng(5).choice(3, 200, p=[0.6, 0.3, 0.1])
    np.save(tmp_path / "draws.npy", draws)
    (tmp_path / "q.json").write_text("[0.2, 0.3, 0.5]")
    report = _loads(cli("compare", "draws.npy", "q.json", "--json"))
    assert report["P"]["kind"] == "samples"
    assert report["P"]["discrete"] is True
    _check_against_library(report, il.Counts(np.bincount(draws)), np.array([0.2, 0.3, 0.5]))
    # --as twice: P's kind, then Q's
    forced = _loads(
        cli("compare", "1,1,1,1,2,3", "1,5,9", "--as", "samples", "--as", "counts", "--json")
    )
    assert forced["P"]["description"].startswith("P: 6 samples, categorical (3 categories)")
    assert forced["Q"]["description"].endswith("; --as counts")
    p, q = il.Samples(np.array([1, 1, 1, 1, 2, 3])), il.Counts([1, 5, 9], categories=[1, 2, 3])
    _check_against_library(forced, p, q)


def test_bins_and_kind_overrides(cli: Any, tmp_path: Path) -> None:
    rng = np.random.default_rng(7)
    x, y = rng.normal(0, 1, 300), rng.normal(1, 2, 300)
    np.save(tmp_path / "x.npy", x)
    np.save(tmp_path / "y.npy", y)
    report = _loads(cli("compare", "x.npy", "y.npy", "--bins", "8", "--json"))
    assert report["P"]["description"].endswith("binned (--bins 8)")
    assert report["P"]["discrete"] is True
    _check_against_library(report, il.Samples(x, bins=8), il.Samples(y, bins=8))
    ints = _loads(cli("entropy", "1,2,3,5,8,13,21", "--as", "samples", "--continuous", "--json"))
    assert ints["X"]["description"].endswith("--continuous")
    assert ints["X"]["discrete"] is False


def test_entropy_command_table(cli: Any) -> None:
    code, out, err = cli("entropy", "poisson(mu=3)", "--base", "nats")
    assert code == 0, err
    line = next(ln for ln in out.splitlines() if ln.startswith("H(X)"))
    expected = float(scipy.stats.poisson(3).entropy())  # SciPy, an independent source
    assert float(line.split()[1]) == pytest.approx(expected, abs=5e-5)
    assert "closed form" in line


def test_measures_between_kinds_that_do_not_compare_are_na(cli: Any) -> None:
    report = _loads(cli("compare", "norm(0, 1)", "0.5,0.5", "--json"))
    rows = report["measures"]
    assert rows["entropy_q"]["value"] == pytest.approx(1.0, rel=BITS_RTOL, abs=0)  # as above
    assert rows["kl_pq"]["value"] is None
    assert "continuous" in rows["kl_pq"]["reason"]
    code, out, _ = cli("compare", "norm(0, 1)", "0.5,0.5")
    assert code == 0
    assert "KL(P ‖ Q)           n/a" in out


# --------------------------------------------------------------------------- bad input
BAD = [
    (("compare", "nosuch.csv", "0.5,0.5"), "P: file not found: nosuch.csv"),
    (("compare", "two.csv", "0.5,0.5", "--column", "heigth"), "unknown column 'heigth'"),
    (("compare", "two.csv", "0.5,0.5"), "choose one with --column NAME"),
    (("compare", "norm(0, 1", "0.5,0.5"), "P: malformed distribution spec"),
    (("compare", "0.5,0.5", "norm(0, x=open('f'))"), "Q: malformed distribution spec"),
    (("compare", "nrom(0, 1)", "norm(0, 1)"), "unknown distribution 'nrom'"),
    (("compare", "norm(0, -1)", "norm(0, 1)"), "`scale` of Normal must be > 0"),
    (("compare", "gamma(scale=3)", "norm(0, 1)"), "missing 1 required positional argument"),
    (("compare", "--", "-0.2,1.2", "0.5,0.5"), "negative probability or count -0.2"),
    (("compare", "0.2,0.3", "0.5,0.5"), "neither probabilities"),
    (("compare", "0.5,0.5", "0.2,0.3,0.5"), "mismatched categories"),
    (("compare", "colors.txt", '{"red": 0.5, "blue": 0.5}'), "mismatched categories"),
    (("compare", "empty.csv", "0.5,0.5"), "P: empty.csv is empty"),
    (("compare", "0.5,0.5"), "give both P and Q"),
    (("compare", "0.5,0.5", "0.5,0.5", "--base", "1"), "--base must be a finite number > 1"),
    (("entropy", "data.parquet"), "X: cannot read data.parquet as Parquet"),
    (("entropy", "norm(loc=0, loc=1)"), "loc is given twice"),
    (("entropy", "1,2,2", "--as", "samples", "--method", "nosuch"), "X: --method nosuch is not"),
    (("entropy", "hello"), "X: cannot read 'hello': it is not a file"),
    (("entropy", "0.5,nan"), "non-finite entry (nan at index 1)"),
    (("entropy", "ragged.csv"), "X: ragged.csv is not a well-formed table"),
    (("entropy", "binary.dat"), "X: binary.dat is not a text file"),
    (("compare", "1,2", "3,4", "--as", "counts", "--as", "counts", "--as", "probs"), "--as is"),
]


@pytest.fixture
def bad_files(tmp_path: Path) -> Path:
    (tmp_path / "two.csv").write_text("height,group\n170.5,a\n180.1,b\n")
    (tmp_path / "colors.txt").write_text("red\nblue\ngreen\n")
    (tmp_path / "empty.csv").write_text("\n\n")
    (tmp_path / "data.parquet").write_bytes(b"PAR1")
    (tmp_path / "ragged.csv").write_text("a,b\n1,2\n3,4,5\n")
    (tmp_path / "binary.dat").write_bytes(bytes(range(128, 256)))
    return tmp_path


@pytest.mark.parametrize(("args", "message"), BAD, ids=[m for _, m in BAD])
def test_bad_input_is_one_line_and_exit_code_2(
    bad_files: Path,
    args: tuple[str, ...],
    message: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # in-process `main`, the function the installed command runs (a subprocess each would
    # cost seconds); `test_bad_input_from_the_installed_command` runs the command itself
    if "Parquet" in message and not _has("pyarrow"):
        pytest.skip("pyarrow is not installed: test_cli_read checks the message that says so")
    monkeypatch.chdir(bad_files)
    code = main(list(args))
    out, err = capsys.readouterr()
    assert code == 2, out + err
    assert err.startswith("infoloss: error: ")
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert out == ""


def test_bad_input_from_the_installed_command(bad_files: Path) -> None:
    for args, message in (BAD[1],):
        done = _run(*args, cwd=bad_files)
        assert done.returncode == 2, done.stdout + done.stderr
        assert done.stderr.startswith("infoloss: error: ")
        assert message in done.stderr
        assert len(done.stderr.strip().splitlines()) == 1
        assert "Traceback" not in done.stderr


def test_bad_options_are_usage_errors(cli: Any, capsys: pytest.CaptureFixture[str]) -> None:
    for option in (("--k", "0"), ("--pseudocount", "-1"), ("--draws", "x")):
        with pytest.raises(SystemExit) as exit_:
            main(["compare", "0.5,0.5", "0.5,0.5", *option])
        assert exit_.value.code == 2
        assert f"argument {option[0]}: expected" in capsys.readouterr().err


def test_debug_shows_the_traceback() -> None:
    done = _run("compare", "nosuch.csv", "0.5,0.5", "--debug")
    assert done.returncode == 2
    assert "Traceback" in done.stderr
    assert done.stderr.strip().endswith("infoloss: error: P: file not found: nosuch.csv")


def test_specs_are_parsed_never_evaluated() -> None:
    assert parse_spec("gamma(2, scale=3)") == ("gamma", [2], {"scale": 3})
    assert parse_spec("scipy.stats.norm(loc=-1, scale=.5)") == (
        "norm",
        [],
        {"loc": -1, "scale": 0.5},
    )
    assert parse_spec("multivariate_normal(mean=[0, 1])")[2] == {"mean": [0, 1]}
    for text in (
        "norm(__import__('os').system('true'))",
        "norm(loc=1+1)",
        "norm(*[1])",
        "norm(**{'loc': 1})",
        "norm('1')",
        "os.system('true')",
        "norm(0)(1)",
        "lambda: 0",
    ):
        with pytest.raises(InputError, match="malformed distribution spec"):
            parse_spec(text)


# --------------------------------------------------------------------------- help, picture, bar
def test_help_explains_every_option_with_examples(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--help"])
    assert exit_.value.code == 0
    top = capsys.readouterr().out
    assert "infoloss compare" in top
    assert "entropy" in top
    done = _run("compare", "--help")
    assert done.returncode == 0
    for option in ("--as", "--column", "--base", "--json", "--plot", "--debug", "--method",
                   "--k", "--pseudocount", "--bins", "--seed", "examples:"):  # fmt: skip
        assert option in done.stdout
    assert "infoloss compare" in done.stdout.split("examples:")[1]


def _has(module: str) -> bool:
    try:
        __import__(module)
    except ImportError:
        return False
    return True


@pytest.mark.skipif(not _has("matplotlib"), reason="matplotlib is an optional extra")
def test_plot_is_written(cli: Any, tmp_path: Path) -> None:
    done = _run("compare", "--plot", "report.png", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "picture: report.png" in done.stdout
    png = (tmp_path / "report.png").read_bytes()
    assert png.startswith(b"\x89PNG")
    assert len(png) > 10_000
    np.save(tmp_path / "x.npy", np.random.default_rng(0).normal(size=300))
    for args in (("norm(0, 1)", "gamma(a=2)"), ("x.npy", "norm(0, 1)"), ("poisson(3)", "1,2,2,3")):
        code, _, err = cli("compare", *args, "--plot", "c.png")
        assert code == 0, err
        assert (tmp_path / "c.png").stat().st_size > 10_000
        (tmp_path / "c.png").unlink()
    code, _, err = cli("compare", "0.5,0.5", "0.5,0.5", "--plot", "c.nosuchformat")
    assert code == 2
    assert "unknown picture format" in err


def test_plot_without_matplotlib_is_one_clear_line(tmp_path: Path) -> None:
    code = (
        "import sys; sys.modules['matplotlib'] = None\n"
        "from infoloss.cli import main\n"
        "sys.exit(main(['compare', '0.5,0.5', '0.2,0.8', '--plot', 'x.png']))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, check=False
    )
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "infoloss: error: --plot needs matplotlib: pip install 'infoloss[plot]'"
    )
    assert not (tmp_path / "x.png").exists()


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_only_on_a_terminal_and_only_when_slow() -> None:
    tty = _Terminal()
    with Progress(2, stream=tty, delay=0.05) as bar:
        bar.step("H(P)")
        bar.step("KL(P ‖ Q)")
        time.sleep(0.3)
    assert "1/2 KL(P ‖ Q)" in tty.getvalue()
    assert tty.getvalue().endswith("\r\033[K")  # the line is erased at the end
    quick = _Terminal()
    with Progress(2, stream=quick, delay=5.0) as bar:
        bar.step("H(P)")
    assert quick.getvalue() == ""
    pipe = io.StringIO()
    with Progress(2, stream=pipe, delay=0.0) as bar:
        bar.step("H(P)")
        time.sleep(0.2)
    assert pipe.getvalue() == ""
