"""Screenshots of the built site in headless Chromium, to look at it as a reader would.

    python docs/screenshots.py [--html docs/_build/html] [--out docs/_build/screenshots]

Build the site first (see docs/conf.py). Needs Chromium (Debian: ``apt-get install chromium``).
Takes the landing page, one user-guide page, one API page and one gallery page, each at a
desktop width, full page height up to ``--max-height`` pixels, and writes PNGs.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

PAGES = {
    "landing": "index.html",
    "guide_entropy_kl": "user_guide/entropy_kl.html",
    "api_kl_divergence": "api/generated/infoloss.kl_divergence.html",
    "gallery_income": "auto_examples/plot_income.html",
}


def browser() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    msg = "no Chromium found: apt-get install chromium"
    raise SystemExit(msg)


def shoot(exe: str, url: str, out: Path, width: int, height: int) -> None:
    with tempfile.TemporaryDirectory() as profile:
        cmd = [
            exe,
            "--headless=new",
            "--no-sandbox",  # running as root in a container
            "--disable-gpu",
            "--hide-scrollbars",
            "--no-first-run",
            f"--user-data-dir={profile}",
            "--virtual-time-budget=8000",  # let scripts (theme, MathJax) finish
            f"--window-size={width},{height}",
            f"--screenshot={out}",
            url,
        ]
        subprocess.run(cmd, check=True, capture_output=True, timeout=120)


def main(argv: list[str] | None = None) -> int:
    root = Path(__file__).resolve().parent
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--html", type=Path, default=root / "_build" / "html")
    parser.add_argument("--out", type=Path, default=root / "_build" / "screenshots")
    parser.add_argument("--width", type=int, default=1400)
    parser.add_argument("--max-height", type=int, default=2400)
    args = parser.parse_args(argv)
    exe = browser()
    args.out.mkdir(parents=True, exist_ok=True)
    for name, page in PAGES.items():
        path = (args.html / page).resolve()
        if not path.exists():
            print(f"missing {path}: build the site first", file=sys.stderr)
            return 1
        out = args.out / f"{name}.png"
        shoot(exe, path.as_uri(), out, args.width, args.max_height)
        print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
