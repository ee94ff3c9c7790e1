"""MkDocs hooks: generate pages from `policy_source/` at build time, never writing into `docs/`.

Listed under `hooks:` in mkdocs.yml, so `build.py build`, `mkdocs build` and `mkdocs serve` all
render the same site. Pages are added with `File.generated`, which keeps `mkdocs serve` from
rebuilding in a loop.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # MkDocs loads this file by path; make the project importable.
    sys.path.insert(0, str(ROOT))

from mkdocs.config.defaults import MkDocsConfig  # noqa: E402
from mkdocs.exceptions import PluginError  # noqa: E402
from mkdocs.structure.files import File, Files  # noqa: E402
from mkdocs.structure.pages import Page  # noqa: E402

from sitegen.engine_assets import browser_assets  # noqa: E402
from sitegen.finishing import content_policy, offline_assets, search_index, theme_fixes  # noqa: E402
from sitegen.pages.clause_anchors import ClauseAnchorsExtension  # noqa: E402
from sitegen.pages.render import abbreviations, page_sources, render_pages  # noqa: E402
from sitegen.publishing.history import last_updated  # noqa: E402
from sitegen.source.errors import SourceError  # noqa: E402
from sitegen.source.sources import load_sources  # noqa: E402

_state: dict[str, Any] = {}  # the sources, the engine zip, the stylesheets
_serving: dict[str, bool] = {"serve": False}
_snapshot: dict[str, browser_assets.EngineSnapshot] = {}


def on_startup(command: str, dirty: bool) -> None:
    # Previews skip the Pyodide snapshot (a few seconds per rebuild); the wizard then starts Python
    # the ordinary way, which the worker does whenever there is no usable snapshot.
    _serving["serve"] = command == "serve"


STYLESHEET = "assets/stylesheets/policy-site.css"


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    try:
        # `build.py build --allow-unreviewed` and `build.py serve` set this: unreviewed rules then warn.
        _state["sources"] = load_sources(allow_unreviewed=os.environ.get("POLICY_ALLOW_UNREVIEWED") == "1")
    except SourceError as error:
        raise PluginError(f"policy_source/ has problems:\n{error}") from None
    config.markdown_extensions.append(ClauseAnchorsExtension())
    _state["archive"] = browser_assets.engine_zip(_state["sources"].rules.data)
    config.extra["wizard_engine"] = browser_assets.asset_folders(_state["archive"])  # read by overrides/main.html
    _state["stylesheets"] = [str(path) for path in config.extra_css]
    config.extra_css = [STYLESHEET]
    try:
        config.extra["wizard_integrity"] = browser_assets.engine_integrity(_state["archive"])
    except OSError as error:
        raise PluginError(f"Pyodide is not installed ({error}). Run `python3 build.py setup`.") from None
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    for path, markdown in render_pages(_state["sources"]).items():
        if files.get_file_from_path(path):
            raise PluginError(f"docs/{path} must not exist: that page is generated from policy_source/. "
                              f"Delete docs/{path} and edit policy_source/ instead.")
        files.append(File.generated(config, path, content=markdown))
    # The site's stylesheets, joined into one (fewer requests before the first paint on a slow network).
    parts = []
    for path in _state["stylesheets"]:
        source = files.get_file_from_path(path)
        if source is None:
            raise PluginError(f"mkdocs.yml lists the stylesheet {path}, which is not in docs/")
        files.remove(source)
        parts.append(f"/* {path} */\n{Path(source.abs_src_path).read_text(encoding='utf-8')}")
    files.append(File.generated(config, STYLESHEET, content="\n".join(parts)))
    archive, folders = _state["archive"], config.extra["wizard_engine"]
    engine_dir, pyodide_dir = folders["engine"], folders["pyodide"]
    files.append(File.generated(config, f"{engine_dir}wizard.zip", content=archive))
    files.append(File.generated(config, f"{engine_dir}stdlib-after-snapshot.zip",
                                content=browser_assets.empty_stdlib()))
    # How the snapshot is stored, read back by the worker: versioned with the snapshot it reads.
    files.append(File.generated(config, f"{engine_dir}snapshot-delta.mjs",
                                abs_src_path=str(browser_assets.SNAPSHOT_CODE[1])))
    try:
        pyodide = browser_assets.pyodide_files()
        loader = browser_assets.pyodide_loader()
        if not _serving["serve"]:  # Node makes it while the pages render; written in on_post_build
            _snapshot["job"] = browser_assets.EngineSnapshot(archive)
    except (FileNotFoundError, ValueError, RuntimeError) as error:
        raise PluginError(str(error)) from None
    for path in pyodide:
        if path.name == "pyodide.mjs":
            files.append(File.generated(config, f"{pyodide_dir}pyodide.mjs", content=loader))
        elif path.name == "pyodide-lock.json":
            files.append(File.generated(config, f"{pyodide_dir}{path.name}", content=browser_assets.pyodide_lock()))
        else:
            files.append(File.generated(config, f"{pyodide_dir}{path.name}", abs_src_path=str(path)))
    return files


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Give every page the glossary, so defined terms show their definitions wherever they appear."""
    return markdown + abbreviations(_state["sources"])


def on_page_context(context: dict, page: Page, config: MkDocsConfig, nav: object) -> dict:
    """The policy's version and approval date, and the page's last change in git, for every page."""
    meta = _state["sources"].policy.meta
    page.meta["policy_version"] = meta["version"]
    page.meta["policy_approved"] = _state["sources"].policy.approval_date_text
    page.meta["last_updated"] = last_updated(page_sources(page.file.src_uri))
    return context


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Make defined terms reachable by keyboard, so their definitions show on focus, not only hover.

    Not inside a link: the link itself takes the focus there (and HTML forbids a focusable
    element inside another)."""
    html = re.sub(r"<abbr title=", '<abbr tabindex="0" title=', html)
    return re.sub(r"<a\b[^>]*>.*?</a>", lambda link: link.group(0).replace('<abbr tabindex="0" ', "<abbr "),
                  html, flags=re.DOTALL)


def on_post_template(output_content: str, template_name: str, config: MkDocsConfig) -> str:
    """404.html is rendered as a template, not a page: it gets the same fixes."""
    return theme_fixes.fix_page(output_content) if template_name == "404.html" else output_content


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    """The theme's markup, fixed where the validators ask (sitegen/finishing/theme_fixes.py)."""
    try:
        return theme_fixes.fix_page(output)
    except theme_fixes.ThemeChangedError as error:
        raise PluginError(str(error)) from None


def on_post_build(config: MkDocsConfig) -> None:
    site_dir = Path(config.site_dir)
    job = _snapshot.pop("job", None)
    if job is not None:
        try:
            snapshot = job.result()
        except RuntimeError as error:
            raise PluginError(str(error)) from None
        (site_dir / config.extra["wizard_engine"]["engine"] / "engine.snapshot.gz").write_bytes(snapshot)
        browser_assets.record_snapshot_integrity(site_dir, snapshot)
    search_index.split_policy_into_clauses(site_dir, _state["sources"].policy, _state["sources"].staff_words)
    try:
        search_index.use_site_ranking(site_dir)
    except ValueError as error:
        raise PluginError(str(error)) from None
    offline_assets.strip_cdn_fallbacks(site_dir)
    if not _serving["serve"]:  # last: the pages and scripts must not change after they are hashed
        content_policy.add_script_integrity(site_dir, urlsplit(config.site_url or "/").path or "/")
        content_policy.add_content_policy(site_dir)
    browser_assets.precompress(site_dir)


def on_build_error(error: Exception) -> None:
    """A failed build leaves no Node process or temporary files behind."""
    job = _snapshot.pop("job", None)
    if job is not None:
        job.cancel()
