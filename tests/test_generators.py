"""The site generator only renders what build.py prepares: ProperDocs, the maintained continuation
of MkDocs 1.x, builds the very same pages from build/pages/ as MkDocs (the default)."""

from __future__ import annotations

import gzip
import os
import re
import subprocess
import sys
from pathlib import Path

from sitegen.pages.generate import generate
from sitegen.source.sources import load_sources

ROOT = Path(__file__).resolve().parent.parent
GENERATOR_META = re.compile(rb'<meta name="generator" content="[^"]*">')


def render(command: list[str], out: Path, env: dict[str, str]) -> None:
    done = subprocess.run([*command, "build", "--strict", "--config-file", str(ROOT / "mkdocs.yml"),
                           "--site-dir", str(out)], cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def contents(site: Path) -> dict[str, bytes]:
    files = {}
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        data = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
        files[path.relative_to(site).as_posix()] = GENERATOR_META.sub(b"", data)
    return files


def test_properdocs_builds_the_same_site_as_mkdocs(tmp_path: Path) -> None:
    sources = load_sources(allow_unreviewed=True)
    generated = generate(sources)
    env = {**os.environ, **generated.environment(), "PYTHONPATH": str(ROOT), "NO_MKDOCS_2_WARNING": "1"}
    render([sys.executable, "-m", "mkdocs"], tmp_path / "mkdocs", env)
    render([str(Path(sys.executable).parent / "properdocs")], tmp_path / "properdocs", env)
    built, other = contents(tmp_path / "mkdocs"), contents(tmp_path / "properdocs")
    assert sorted(built) == sorted(other)
    assert len([name for name in built if name.endswith(".html")]) >= 10
    assert [name for name in built if built[name] != other[name]] == []
    policy = built["policy/index.html"].decode()
    first_clause = next(iter(sources.policy.clauses))
    assert f'id="{first_clause}"' in policy and "<abbr" in policy  # the clause anchors and the glossary
