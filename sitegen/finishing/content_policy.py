"""A strict Content-Security-Policy in every built page, as a <meta> element.

GitHub Pages and many intranet servers send no headers of our choosing, so each page carries its own
policy: scripts only from the site itself, plus the exact inline scripts the site's pages hold (by
SHA-256, computed here after every other build step has changed the pages); no plugins, no
<base>, forms only to the site. 'wasm-unsafe-eval' lets Pyodide compile its WebAssembly, which the
engine may start from any page (wizard-engine.js). Previews (`build.py serve`) get no policy: the
preview's live-reload script is injected as it serves.

A server that can send headers sends the same policy, plus what only works as a header
(`frame-ancestors`, nosniff, Referrer-Policy, HSTS): the build writes it for nginx and Apache into
`server-headers/` beside the pages, so the configuration always matches the build it ships with.
"""

from __future__ import annotations

import re
from pathlib import Path

from sitegen.engine_assets.browser_assets import integrity

POLICY = ("default-src 'self'; script-src 'self' {scripts} 'wasm-unsafe-eval'; worker-src 'self'; "
          "connect-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; object-src 'none'; "
          "base-uri 'self'; form-action 'self'")
SCRIPT_FILE = re.compile(r'<script (?P<before>[^>]*?)src="(?P<src>(?![a-z]+:|//)[^"?#]+)"(?P<after>[^>]*)>')
INLINE_SCRIPT = re.compile(r"<script(?P<attributes>[^>]*)>(?P<body>.*?)</script>", re.S)
CHARSET = '<meta charset="utf-8">'
HEADERS_DIR = "server-headers"
# Sent as headers only: a <meta> policy cannot forbid framing, and the others are not policies.
HEADER_ONLY = "frame-ancestors 'none'"
OTHER_HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
                 "Strict-Transport-Security": "max-age=31536000"}  # ignored by browsers over plain HTTP


def inline_scripts(html: str) -> set[str]:
    """The SHA-256 sources of a page's inline scripts (data blocks, e.g. JSON, are not scripts)."""
    return {f"'{integrity(match['body'].encode())}'"
            for match in INLINE_SCRIPT.finditer(html)
            if "src=" not in match["attributes"] and "type=" not in match["attributes"]}


def add_script_integrity(site_dir: Path, site_path: str) -> None:
    """Give every <script src> of the site's own files the file's SHA-256 (`integrity`): a script
    whose bytes differ from the build's, say a half-finished deployment or a corrupted cache, is
    refused instead of run. Runs after every step that changes the scripts. `site_path` is the path
    of the site's address, which root-relative addresses (the 404 page's) start with."""
    hashes: dict[Path, str] = {}

    def with_integrity(page: Path, match: re.Match[str]) -> str:
        src = match["src"]
        if "integrity=" in match[0] or (src.startswith("/") and not src.startswith(site_path)):
            return match[0]
        script = (site_dir / src.removeprefix(site_path) if src.startswith("/") else page.parent / src).resolve()
        if script not in hashes:
            hashes[script] = integrity(script.read_bytes())
        return f'<script {match["before"]}src="{match["src"]}" integrity="{hashes[script]}"{match["after"]}>'

    for page in sorted(site_dir.rglob("*.html")):
        html = page.read_text(encoding="utf-8")
        page.write_text(SCRIPT_FILE.sub(lambda m, page=page: with_integrity(page, m), html), encoding="utf-8")


def add_content_policy(site_dir: Path) -> None:
    """Put the site's policy first in every page's <head>, before any script it governs, and write
    the server configurations that send it as a header.

    One policy for every page: with instant navigation a page's inline scripts run under the policy
    of the page the reader opened first, so each page allows the inline scripts of all of them."""
    texts = {page: page.read_text(encoding="utf-8") for page in sorted(site_dir.rglob("*.html"))}
    scripts = sorted(set().union(*(inline_scripts(html) for html in texts.values())))
    policy = POLICY.format(scripts=" ".join(scripts))
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy}">'
    for page, html in texts.items():
        if 'http-equiv="Content-Security-Policy"' in html or CHARSET not in html:
            continue
        page.write_text(html.replace(CHARSET, CHARSET + meta, 1), encoding="utf-8")
    write_server_headers(site_dir, f"{policy}; {HEADER_ONLY}")


def write_server_headers(site_dir: Path, policy: str) -> None:
    """`server-headers/nginx.conf` and `apache.conf`: every response's headers, for the server to include."""
    headers = {"Content-Security-Policy": policy, **OTHER_HEADERS}
    why = ("# Written by `python3 build.py build` for this build (sitegen/finishing/content_policy.py): the\n"
           "# headers every response of the site carries. Include it as ARCHITECTURE.md shows, and reload\n"
           "# the server after each deployment: the policy names the site's inline scripts by hash.\n")
    folder = site_dir / HEADERS_DIR
    folder.mkdir(exist_ok=True)
    (folder / "nginx.conf").write_text(why + "".join(f'add_header {name} "{value}" always;\n'
                                                     for name, value in headers.items()), encoding="utf-8")
    (folder / "apache.conf").write_text(why + "".join(f'Header always set {name} "{value}"\n'
                                                      for name, value in headers.items()), encoding="utf-8")
