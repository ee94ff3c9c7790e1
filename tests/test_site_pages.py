"""The generated pages carry what readers and auditors need; the preview server rebuilds on edits."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from sitegen.source.sources import load_sources
from tests.from_policy import paragraph_clauses
from tests.html_text import article_text, read_html
from tests.site_server import free_port

SOURCES = load_sources()


def test_defined_terms_show_their_definition_on_hover_and_keyboard_focus(site_dir: Path) -> None:
    tags = read_html((site_dir / "policy" / "index.html").read_text(encoding="utf-8")).tags
    terms = [a for tag, a in tags if tag == "abbr"]
    definitions = {t.definition for t in SOURCES.glossary}
    assert {a["title"] for a in terms} == definitions, "every defined term appears, with its definition"
    assert all(a.get("tabindex") == "0" for a in terms), "focusable, so the definition shows on keyboard focus"


def test_rules_at_a_glance_lists_every_rule_with_its_clause(site_dir: Path) -> None:
    html = (site_dir / "rules" / "index.html").read_text(encoding="utf-8")
    page = read_html(html)
    rules = SOURCES.rules.data
    ids = set(page.ids)
    assert {o["id"] for o in rules["obligations"]} | {u["id"] for u in rules["unclear"]} <= ids
    links = {a["href"].split("#")[1] for tag, a in page.tags if tag == "a" and "policy/#" in a.get("href", "")}
    cited = {r["clause"] for r in rules["obligations"] + rules["unclear"] + rules["questions"]}
    assert cited <= links <= set(SOURCES.policy.clauses)
    text = article_text(html)  # in the static HTML: the page needs no JavaScript
    assert all(rule["text"] in text for rule in rules["obligations"] + rules["unclear"])


def test_setup_is_skipped_when_already_in_place() -> None:
    done = subprocess.run([sys.executable, str(Path(__file__).parent.parent / "build.py"), "setup"],
                          capture_output=True, text=True)
    assert done.returncode == 0
    assert "Installing" not in done.stdout and "Creating" not in done.stdout
    assert "Set-up is complete." in done.stdout


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode("utf-8")


def test_serve_previews_and_rebuilds_when_a_source_changes(copy_project) -> None:
    project = copy_project()
    port = free_port()
    server = subprocess.Popen([sys.executable, str(project / "build.py"), "serve", "--addr", f"127.0.0.1:{port}"],
                              cwd=project, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    clause = paragraph_clauses()[0]
    try:
        url = f"http://127.0.0.1:{port}/policy/"
        deadline = time.monotonic() + 90
        while True:
            try:
                assert f'id="{clause.id}"' in fetch(url)
                break
            except OSError:
                assert time.monotonic() < deadline, "the preview did not start"
                time.sleep(0.5)
        policy = project / "policy_source" / "policy.md"
        lines = policy.read_text(encoding="utf-8").splitlines(keepends=True)
        lines[clause.line - 1] = lines[clause.line - 1].replace(f" {{#{clause.id}}}", f" Previewed. {{#{clause.id}}}")
        policy.write_text("".join(lines), encoding="utf-8")
        deadline = time.monotonic() + 90
        while True:
            try:  # while it rebuilds, the preview may be slow to answer
                if "Previewed." in fetch(url):
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "the preview did not rebuild after the edit"
            time.sleep(0.5)
    finally:
        server.terminate()
        server.wait(timeout=30)
    # Stopping the preview stops its server too: nothing is left serving the port.
    deadline = time.monotonic() + 30
    while True:
        try:
            fetch(url)
        except OSError:
            break
        assert time.monotonic() < deadline, "the preview's server outlived it"
        time.sleep(0.5)


def test_a_privacy_breach_is_one_step_from_the_home_page_and_the_wizard(site_dir: Path) -> None:
    """Whoever has become aware of a breach reaches the duty, whom supervisors contact and the clause
    without answering an interview about a post."""
    home = read_html((site_dir / "index.html").read_text(encoding="utf-8"))
    assert "privacy-breach/" in {a.get("href") for tag, a in home.tags if tag == "a"}
    wizard = read_html((site_dir / "wizard" / "index.html").read_text(encoding="utf-8"))
    intro_links = [a.get("href") for tag, a in wizard.tags if tag == "a" and a.get("id") == "wizard-breach-link"]
    assert intro_links == ["../privacy-breach/"]
    html = (site_dir / "privacy-breach" / "index.html").read_text(encoding="utf-8")
    page = read_html(html)
    [duty_id] = [a["data-obligation"] for tag, a in page.tags if "data-obligation" in a]
    duty = next(o for o in SOURCES.rules.data["obligations"] if o["id"] == duty_id)
    assert not duty["when"]["all"] and not duty["when"]["any"], "the duty applies to everyone, always"
    text = article_text(html)
    assert duty["text"] in text and SOURCES.policy.clauses[duty["clause"]].text in text
    assert f"../policy/#{duty['clause']}" in {a.get("href") for tag, a in page.tags if tag == "a"}
