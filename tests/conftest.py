"""Shared fixtures: the site built once per test session, served over HTTP, and a real Chromium."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sitegen.setup_env import find_chromium  # noqa: E402
from sitegen.source.sources import load_sources  # noqa: E402
from tests.nginx_server import serve_with_nginx  # noqa: E402
from tests.site_server import free_port, serve  # noqa: E402
from wizard import Engine, Rules  # noqa: E402


@pytest.fixture(scope="session")
def rules_data() -> dict:
    """The rules compiled from policy_source/, exactly as the site and the CLI get them."""
    return load_sources().rules.data


@pytest.fixture(scope="session")
def engine(rules_data: dict) -> Engine:
    return Engine(Rules.from_dict(rules_data))



def build_site(site_dir: Path, site_url: str) -> None:
    """Build the real site with build.py, as a person would, for the given served address."""
    env = {**os.environ, "SITE_URL": site_url}
    result = subprocess.run([sys.executable, str(ROOT / "build.py"), "build", "--site-dir", str(site_dir)],
                            cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, f"build.py build failed:\n{result.stdout}\n{result.stderr}"


@pytest.fixture(scope="session")
def site_port() -> int:
    return free_port()


@pytest.fixture(scope="session")
def site_dir(tmp_path_factory: pytest.TempPathFactory, site_port: int) -> Path:
    """The built site, its site_url set to where `site_url` serves it (instant navigation needs that)."""
    directory = tmp_path_factory.mktemp("built") / "site"
    build_site(directory, f"http://127.0.0.1:{site_port}/")
    return directory


@pytest.fixture(scope="session")
def site_url(site_dir: Path, site_port: int) -> Iterator[str]:
    with serve(site_dir, port=site_port) as (_, url):
        yield url


@pytest.fixture(scope="session")
def nginx_url(site_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The built site served by Debian's nginx as ARCHITECTURE.md configures it (tests/nginx_server.py)."""
    with serve_with_nginx(site_dir, tmp_path_factory.mktemp("nginx")) as url:
        yield url


@pytest.fixture(scope="session")
def serve_site(site_dir: Path):
    """Serve the built site on another port with extra response headers (e.g. a CSP)."""
    return lambda headers=None: serve(site_dir, headers)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """Drive the system Chromium (Playwright cannot download browsers here); $CHROMIUM_PATH overrides."""
    executable = find_chromium()
    if executable is None:
        pytest.fail("No Chromium found. Install it (apt-get install -y chromium) or set CHROMIUM_PATH; "
                    "`python3 build.py test` installs it for you when it can.")
    return {**browser_type_launch_args, "executable_path": executable,
            "args": ["--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--no-first-run", "--disable-quic", "--disable-gpu"]}


@pytest.fixture(scope="session")
def copy_project(tmp_path_factory: pytest.TempPathFactory):
    """A throw-away copy of the project (sharing .venv and node_modules) to break sources safely."""
    def make() -> Path:
        target = tmp_path_factory.mktemp("project") / "p"
        shutil.copytree(ROOT, target, ignore=shutil.ignore_patterns(
            ".venv", "node_modules", "site", ".git", "__pycache__", ".*_cache", ".hypothesis", "build"))
        (target / ".venv").symlink_to(ROOT / ".venv")
        (target / "node_modules").symlink_to(ROOT / "node_modules")
        return target
    return make


@pytest.fixture(autouse=True)
def no_content_policy_violations(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every built page carries a strict Content-Security-Policy (sitegen/finishing/content_policy.py): a test
    that uses `page` fails if anything on any page it visits was refused by it."""
    page = request.getfixturevalue("page") if "page" in request.fixturenames else None
    if not isinstance(page, Page):  # no browser page, or a test parameter that happens to be called `page`
        yield
        return
    refused: list[str] = []
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text else None)
    yield
    assert refused == [], refused
