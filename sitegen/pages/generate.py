"""policy_source/ and docs/ turned into the folder of pages the site generator reads (build/pages/).

A plain function, not a generator plugin: MkDocs, ProperDocs or another generator only renders what
is written here (mkdocs.yml's `docs_dir`). Written here, never into docs/:
- docs/ as it is, but each page given the policy's version, approval date and the page's last change
  in git (front matter the theme override shows) and the glossary's abbreviations;
- the pages generated from policy_source/ (`render.render_pages`), given the same;
- the site's stylesheets joined into one (one request before the first paint, not three);
- the wizard's engine files: the engine zip, Pyodide's core files, the snapshot's reader.
Only files whose bytes change are rewritten, and files no longer made are removed, so a preview
(`build.py serve`) rebuilds once per change.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import yaml

from sitegen.engine_assets import browser_assets
from sitegen.pages.render import abbreviations, page_sources, render_pages
from sitegen.publishing.history import last_updated
from sitegen.source.errors import SourceError, SourceProblem
from sitegen.source.sources import Sources

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
PAGES = ROOT / "build" / "pages"  # mkdocs.yml's docs_dir
# The site's stylesheets, joined in this order into STYLESHEET (the one mkdocs.yml lists).
STYLESHEETS = ("site.css", "wizard.css", "self-check.css")
STYLESHEET = "assets/stylesheets/policy-site.css"
FRONT_MATTER = re.compile(r"\A---\n(.*?\n)?---\n", re.S)
# Words a hand-written page may use for the version in force (policy_source/approvals.yaml).
APPROVAL_WORDS = ("POLICY_APPROVED_BY", "POLICY_APPROVAL_DATE", "POLICY_VERSION")


@dataclass(frozen=True)
class Generated:
    """What the generator needs to know besides the pages (mkdocs.yml reads them from the environment)."""

    archive: bytes  # the engine zip, which the snapshot is made from
    folders: dict[str, str]  # {"pyodide": "pyodide/314.0.7/", "engine": "assets/wizard/<hash>/"}
    integrity: str  # the `wizard-integrity` meta's content
    copyright: str  # every page's footer: who approved the version in force, and when

    def environment(self) -> dict[str, str]:
        return {"WIZARD_PYODIDE_DIR": self.folders["pyodide"], "WIZARD_ENGINE_DIR": self.folders["engine"],
                "WIZARD_INTEGRITY": self.integrity, "POLICY_COPYRIGHT": self.copyright}


def with_page_meta(markdown: str, meta: dict[str, str], glossary: str) -> str:
    """A page with `meta` added to its front matter and the glossary's abbreviations at its end."""
    found = FRONT_MATTER.match(markdown)
    front = (yaml.safe_load(found[1] or "") or {}) if found else {}
    body = markdown[found.end():] if found else markdown
    front.update(meta)
    return f"---\n{yaml.safe_dump(front, allow_unicode=True, sort_keys=False)}---\n{body}{glossary}"


def _pages(sources: Sources) -> dict[str, bytes | Path]:
    """Every file of the pages folder: its bytes, or the path of a file to copy as it is."""
    files: dict[str, bytes | Path] = {}
    for path in sorted(DOCS.rglob("*")):
        if path.is_file():
            files[path.relative_to(DOCS).as_posix()] = path
    generated = render_pages(sources)
    clashes = sorted(set(generated) & set(files))
    if clashes:
        raise SourceError([SourceProblem(DOCS / name, 1, "this page is generated from policy_source/",
                                         f"delete docs/{name} and edit policy_source/ instead") for name in clashes])
    policy = sources.policy
    glossary = abbreviations(sources)
    approval = {"POLICY_APPROVED_BY": policy.meta["approved_by"], "POLICY_APPROVAL_DATE": policy.approval_date_text,
                "POLICY_VERSION": str(policy.meta["version"])}
    for name in sorted([n for n in files if n.endswith(".md")] + list(generated)):
        text = generated.get(name) or files[name].read_text(encoding="utf-8")
        if name not in generated:
            for word in APPROVAL_WORDS:
                text = text.replace(word, approval[word])
        meta = {"policy_version": str(policy.meta["version"]), "policy_approved": policy.approval_date_text}
        updated = last_updated(page_sources(name))
        if updated:
            meta["last_updated"] = updated
        files[name] = with_page_meta(text, meta, glossary).encode()
    folder = "assets/stylesheets/"
    parts = []
    for name in STYLESHEETS:
        source = files.pop(folder + name)
        parts.append(f"/* docs/{folder}{name} */\n{source.read_text(encoding='utf-8')}")
    files[STYLESHEET] = "\n".join(parts).encode()
    return files


def _engine_files(archive: bytes, folders: dict[str, str]) -> dict[str, bytes | Path]:
    engine, pyodide = folders["engine"], folders["pyodide"]
    files: dict[str, bytes | Path] = {
        f"{engine}wizard.zip": archive,
        f"{engine}stdlib-after-snapshot.zip": browser_assets.empty_stdlib(),
        # How the snapshot is stored, read back by the worker: versioned with the snapshot it reads.
        f"{engine}snapshot-delta.mjs": browser_assets.SNAPSHOT_CODE[1],
    }
    for path in browser_assets.pyodide_files():
        if path.name == "pyodide.mjs":
            files[f"{pyodide}pyodide.mjs"] = browser_assets.pyodide_loader().encode()
        elif path.name == "pyodide-lock.json":
            files[f"{pyodide}pyodide-lock.json"] = browser_assets.pyodide_lock().encode()
        else:
            files[f"{pyodide}{path.name}"] = path
    return files


def _write(target: Path, content: bytes | Path) -> None:
    """Write only what differs, so a watching preview sees only real changes."""
    if isinstance(content, Path):
        if target.is_file() and target.stat().st_size == content.stat().st_size and \
                target.stat().st_mtime >= content.stat().st_mtime:
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(content, target)
    elif not target.is_file() or target.read_bytes() != content:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)


PREVIEW_ENGINE = "assets/wizard/preview/"


def generate(sources: Sources, out_dir: Path = PAGES, preview: bool = False) -> Generated:
    """Write the pages folder for `sources`; return what the generator's configuration needs.

    `preview` (`build.py serve`): the engine's files keep one folder whatever the rules, and nothing
    is recorded to check them against, so a preview started before an edit still runs the edited
    rules (it reads the folder and the hashes only when it starts)."""
    archive = browser_assets.engine_zip(sources.rules.data)
    folders = browser_assets.asset_folders(archive)
    if preview:
        folders = {**folders, "engine": PREVIEW_ENGINE}
    files = {**_pages(sources), **_engine_files(archive, folders)}
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        _write(out_dir / name, content)
    for path in sorted(out_dir.rglob("*"), reverse=True):  # what is no longer made goes, folders last
        relative = path.relative_to(out_dir).as_posix()
        if path.is_file() and relative not in files:
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    policy = sources.policy
    copyright = (f"City of Hamilton. The policy text is published as approved by {policy.meta['approved_by']} "
                 f"on {policy.approval_date_text}.")
    return Generated(archive, folders, "" if preview else browser_assets.engine_integrity(archive), copyright)
