"""Sphinx helpers that keep every number on the site computed from the code at build time.

- Every ``>>>`` block of a page is run, in page order, in one namespace per page (the
  ``doctest`` module's rules, NORMALIZE_WHITESPACE and ELLIPSIS); a failing example is a
  warning, so ``-W`` fails the build on a wrong number.
- ``:eval:`{h:.2f}``` puts a value from that namespace into the prose: the text is an f-string
  evaluated at its place in the page (after the blocks above it have run).
- ``.. kl-pairs-table::`` is the table of pairs with an exact KL, from ``infoloss.kl_pairs()``.
- ``.. command-output:: infoloss compare ...`` runs the command line and shows what it printed;
  a non-zero exit (other than ``:returncode:``) is a warning.
- Once every page is read, every name in ``infoloss.__all__`` and ``infoloss.losses.__all__``
  must have an entry in the API reference, or the build warns (and ``-W`` fails it).
"""

from __future__ import annotations

import doctest
import io
import os
import shlex
import subprocess
import sys
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import Directive, directives
from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

_FLAGS = doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS
_API_PREAMBLE = "import numpy as np\nfrom infoloss import *\n"


class eval_node(nodes.Inline, nodes.TextElement):
    """A placeholder for ``:eval:``, replaced by its value once the page's code has run."""


def eval_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    node = eval_node(rawtext, "")
    node["expr"] = text
    node.line = lineno
    return [node], []


def _run_page(app: Sphinx, doctree: nodes.document) -> None:
    """Run the page's ``>>>`` blocks in order and fill in its ``:eval:`` values."""
    docname = app.env.docname
    namespace: dict[str, Any] = {"__name__": f"docs.{docname}"}
    if docname.startswith("api/generated/"):
        # Docstring examples are written for ``pytest --doctest-modules``, which runs them in
        # their module's namespace; some use a name they do not import (see the report of
        # issue 16). Give them what a reader of the reference would have imported.
        exec(_API_PREAMBLE, namespace)
    parser = doctest.DocTestParser()
    cwd = os.getcwd()
    os.chdir(app.srcdir)  # files a page writes land beside it (and are ignored)
    try:
        for node in list(
            doctree.findall(lambda n: isinstance(n, (nodes.doctest_block, eval_node)))
        ):
            if isinstance(node, eval_node):
                _fill(node, namespace, docname)
                continue
            text = node.astext()
            test = parser.get_doctest(text, namespace, docname, docname, node.line or 0)
            runner = doctest.DocTestRunner(optionflags=_FLAGS)
            out = io.StringIO()
            runner.run(test, out=out.write, clear_globs=False)
            namespace = test.globs  # DocTest ran on a copy: carry it to the next block
            if runner.failures:
                logger.warning(
                    "a code example gave a different result:\n%s", out.getvalue(), location=node
                )
    finally:
        os.chdir(cwd)
        import matplotlib.pyplot as plt

        plt.close("all")


def _fill(node: eval_node, namespace: dict[str, Any], docname: str) -> None:
    expr = node["expr"]
    try:
        value = eval("f" + repr(expr), namespace)
    except Exception as exc:
        logger.warning("`:eval:` %r failed: %r", expr, exc, location=(docname, node.line))
        value = "??"
    node.replace_self(nodes.Text(value))


class KLPairsTable(Directive):
    """The pairs of families with an exact KL, generated from ``infoloss.kl_pairs()``."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        import infoloss as il

        pairs = il.kl_pairs()
        by_p: dict[str, list[str]] = {}
        for p, q in pairs:
            by_p.setdefault(p, []).append(q)
        table = nodes.table(classes=["kl-pairs"])
        group = nodes.tgroup(cols=3)
        table += group
        for width in (18, 6, 76):
            group += nodes.colspec(colwidth=width)
        head = nodes.thead()
        group += head
        body = nodes.tbody()
        group += body
        head += _row(["P", "pairs", "Q with an exact KL(P ‖ Q)"])
        for p in sorted(by_p):
            qs = sorted(by_p[p])
            body += _row([p, str(len(qs)), ", ".join(qs)])
        caption = nodes.paragraph(
            text=f"{len(pairs)} ordered pairs, from infoloss.kl_pairs() "
            f"(infoloss {il.__version__}, computed when this page was built)."
        )
        return [table, caption]


def _row(cells: list[str]) -> nodes.row:
    row = nodes.row()
    for text in cells:
        entry = nodes.entry()
        entry += nodes.paragraph(text=text)
        row += entry
    return row


class CommandOutput(Directive):
    """Run an ``infoloss`` command line and show it with what it printed."""

    required_arguments = 1
    final_argument_whitespace = True
    option_spec: ClassVar[dict[str, Any]] = {
        "returncode": directives.nonnegative_int,
        "cwd": directives.unchanged,
    }

    def run(self) -> list[nodes.Node]:
        command = self.arguments[0]
        argv = shlex.split(command)
        if argv[0] != "infoloss":
            raise self.error("command-output runs `infoloss ...` commands only")
        env = self.state.document.settings.env
        cwd = os.path.join(env.srcdir, self.options.get("cwd", "."))
        # pictures a command draws (--plot _generated/x.png) go to an ignored folder
        os.makedirs(os.path.join(env.srcdir, "_generated"), exist_ok=True)
        done = subprocess.run(
            [sys.executable, "-m", "infoloss", *argv[1:]],
            capture_output=True,
            text=True,
            cwd=cwd,
            env={**os.environ, "COLUMNS": "100"},
            timeout=120,
            check=False,
        )
        expected = self.options.get("returncode", 0)
        if done.returncode != expected:
            logger.warning(
                "`%s` exited with %d (expected %d):\n%s",
                command,
                done.returncode,
                expected,
                done.stderr[-2000:],
                location=(env.docname, self.lineno),
            )
        text = f"$ {command}\n{done.stdout}{done.stderr}".rstrip()
        block = nodes.literal_block(text, text, language="console")
        return [block]


def _check_api_coverage(app: Sphinx, env: Any) -> None:
    """Every public name must be documented in the API reference."""
    import infoloss as il
    import infoloss.losses as losses

    documented = set(env.get_domain("py").objects)
    wanted = [f"infoloss.{n}" for n in il.__all__] + [
        f"infoloss.losses.{n}" for n in losses.__all__
    ]
    missing = [name for name in wanted if name not in documented]
    if missing:
        logger.warning(
            "public names missing from the API reference (docs/api/index.rst): %s",
            ", ".join(missing),
        )


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_node(eval_node)
    app.add_role("eval", eval_role)
    app.add_directive("kl-pairs-table", KLPairsTable)
    app.add_directive("command-output", CommandOutput)
    # priority < 500: the page's values are filled in before the other collectors read it
    app.connect("doctree-read", _run_page, priority=400)
    app.connect("env-check-consistency", _check_api_coverage)
    return {"version": "1", "parallel_read_safe": False, "parallel_write_safe": True}
