"""What each `build.py` subcommand does, once the virtual environment is in place."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sitegen.errors import SourceError
from sitegen.sources import load_sources

ROOT = Path(__file__).resolve().parent.parent


def _mkdocs_env() -> dict[str, str]:
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def check() -> int:
    """Validate every source file; print each problem with file, line and fix."""
    try:
        sources = load_sources()
    except SourceError as error:
        print(f"policy_source/ has {len(error.problems)} problem(s):", file=sys.stderr)
        for problem in error.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    print(f"policy_source/ is valid: {len(sources.policy.clauses)} clauses, "
          f"{len(sources.glossary)} defined terms, {len(sources.related)} related documents.")
    return 0


def build(site_dir: Path) -> int:
    """Check, build into a temporary directory, and only then replace `site_dir` with the result."""
    if check() != 0:
        print(f"Nothing was built; {site_dir} is unchanged.", file=sys.stderr)
        return 1
    started = time.perf_counter()
    site_dir = site_dir.resolve()
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{site_dir.name}-building-", dir=site_dir.parent))
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict",
                             "--config-file", str(ROOT / "mkdocs.yml"), "--site-dir", str(staging)],
                            cwd=ROOT, env=_mkdocs_env())
    if result.returncode != 0:
        shutil.rmtree(staging, ignore_errors=True)
        print(f"The build failed (see above); {site_dir} is unchanged.", file=sys.stderr)
        return 1
    previous = site_dir.with_name(f".{site_dir.name}-previous")
    shutil.rmtree(previous, ignore_errors=True)
    if site_dir.exists():
        site_dir.rename(previous)
    staging.rename(site_dir)
    shutil.rmtree(previous, ignore_errors=True)
    print(f"Built {site_dir} in {time.perf_counter() - started:.1f} s.")
    return 0


def serve(addr: str) -> int:
    if check() != 0:
        return 1
    print(f"Serving the site at http://{addr}/ (Ctrl+C to stop); it rebuilds when you save a change.")
    return subprocess.run([sys.executable, "-m", "mkdocs", "serve", "--strict", "--dev-addr", addr],
                          cwd=ROOT, env=_mkdocs_env()).returncode


def test(pytest_args: list[str]) -> int:
    print("==> ruff check (lint)", flush=True)
    if subprocess.run([sys.executable, "-m", "ruff", "check", "."], cwd=ROOT).returncode != 0:
        return 1
    print("==> pytest (all tests, including the browser tests)", flush=True)
    return subprocess.run([sys.executable, "-m", "pytest", *pytest_args], cwd=ROOT).returncode


def run(args: argparse.Namespace) -> int:
    if args.command == "setup":
        print("Set-up is complete.")
        return 0
    if args.command == "check":
        return check()
    if args.command == "build":
        return build(args.site_dir)
    if args.command == "serve":
        return serve(args.addr)
    if args.command == "test":
        return test(args.pytest_args)
    raise AssertionError(f"unknown command {args.command}")
