"""Sphinx configuration of the infoloss documentation.

Build (from the repository root, after ``pip install -e ".[docs]"``)::

    python -m sphinx -W --keep-going -n -E -b html docs docs/_build/html

Warnings are errors and cross-references are nitpicky; every ``>>>`` block of a page is run
(``_ext/infoloss_docs.py``), every ``.. plot::`` and every gallery example is executed.
"""

from __future__ import annotations

import os
import sys
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))

import infoloss  # noqa: E402

project = "infoloss"
author = "The infoloss developers"
copyright = "The infoloss developers"
release = infoloss.__version__
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "sphinx_design",
    "sphinx-mathjax-offline",  # MathJax served with the site: math renders offline too
    "sphinx_gallery.gen_gallery",
    "matplotlib.sphinxext.plot_directive",
    "infoloss_docs",
]

exclude_patterns = ["_build", "**.ipynb_checkpoints", "auto_examples/*.ipynb"]
templates_path = ["_templates"]
default_role = "autolink"
nitpicky = True
suppress_warnings: list[str] = []

# -- API reference -------------------------------------------------------------------------
autosummary_generate = True
autosummary_imported_members = True
autodoc_default_options = {"inherited-members": False}
autodoc_typehints = "none"  # the numpydoc Parameters sections carry the types
numpydoc_show_class_members = False  # the class template lists the members itself
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False
numpydoc_validation_checks: set[str] = set()

# Other libraries' objects named in docstrings and pages (`torch.nn.functional.kl_div`, ...):
# intersphinx would link them, but the build must run offline (CI reaches no documentation
# site), so references to these libraries are not checked. Every reference to infoloss itself
# is checked.
nitpick_ignore_regex = [
    (r"py:.*", r"(numpy|np|scipy|torch|jax|jnp|cupy|array_api_strict|array_api_compat)(\..*)?"),
    (r"py:.*", r"(matplotlib|pandas|sklearn)(\..*)?"),
]

# -- Pages -----------------------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"infoloss {release}"
html_static_path = ["_static"]
html_css_files = ["infoloss.css"]
html_show_sourcelink = False
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "header_links_before_dropdown": 6,
    "secondary_sidebar_items": ["page-toc"],
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
}
html_context = {"default_mode": "light"}

# -- Figures ----------------------------------------------------------------------------------
plot_include_source = True
plot_html_show_source_link = False
plot_html_show_formats = False
plot_formats = [("png", 110)]
plot_apply_rcparams = True  # also on pages whose plots share a :context:
plot_rcparams = {"figure.figsize": (6.4, 3.4), "figure.autolayout": True}
plot_pre_code = "import numpy as np\nimport matplotlib.pyplot as plt\nimport infoloss as il\n"

# -- Gallery ---------------------------------------------------------------------------------
sphinx_gallery_conf = {
    "examples_dirs": str(HERE.parent / "examples"),
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",  # run every gallery example
    "ignore_pattern": r"fit_mixture\.py",  # a command-line script, shown in the guide instead
    "download_all_examples": False,
    "remove_config_comments": True,
    "within_subsection_order": "FileNameSortKey",
    "min_reported_time": 1,
    "matplotlib_animations": False,
    "image_scrapers": ("matplotlib",),
    "only_warn_on_example_error": False,
    "abort_on_example_error": False,
    "show_memory": False,
    "promote_jupyter_magic": False,
    "plot_gallery": "True",
    "run_stale_examples": True,  # always re-run: the numbers follow the library, not a cache
}

# Gallery examples and pages must not warn (the library's own warnings are shown where a page
# means to show them, by catching them).
warnings.filterwarnings("error", category=infoloss.InfolossWarning)
# The examples' tensors are small: one thread is faster than several, and does not slow to a
# crawl on a busy 2-core machine (CI's).
os.environ.setdefault("OMP_NUM_THREADS", "1")
try:
    import torch

    torch.set_num_threads(1)
except ImportError:  # pragma: no cover - torch is in the docs extra
    pass
