"""A strict Content-Security-Policy in every built page, as a <meta> element.

GitHub Pages and many intranet servers send no headers of our choosing, so each page carries its own
policy: scripts only from the site itself, plus the exact inline scripts the page holds (by
SHA-256, computed here after every other build step has changed the pages); no plugins, no
<base>, forms only to the site. 'wasm-unsafe-eval' lets Pyodide compile its WebAssembly, which the
engine may start from any page (wizard-engine.js). `frame-ancestors` only works as a header: the
server configuration in ARCHITECTURE.md adds it. Previews (`build.py serve`) get no policy: the
preview's live-reload script is injected as it serves.
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

POLICY = ("default-src 'self'; script-src 'self' {scripts} 'wasm-unsafe-eval'; worker-src 'self'; "
          "connect-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; object-src 'none'; "
          "base-uri 'self'; form-action 'self'")
INLINE_SCRIPT = re.compile(r"<script(?P<attributes>[^>]*)>(?P<body>.*?)</script>", re.S)
CHARSET = '<meta charset="utf-8">'


def page_policy(html: str) -> str:
    """The policy for one page: its inline scripts by hash (data blocks, e.g. JSON, are not scripts)."""
    hashes = sorted({"'sha256-" + base64.b64encode(hashlib.sha256(match["body"].encode()).digest()).decode() + "'"
                     for match in INLINE_SCRIPT.finditer(html)
                     if "src=" not in match["attributes"] and "type=" not in match["attributes"]})
    return POLICY.format(scripts=" ".join(hashes)).replace("  ", " ")


def add_content_policy(site_dir: Path) -> None:
    """Put each page's policy first in its <head>, before any script it governs."""
    for page in site_dir.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        if 'http-equiv="Content-Security-Policy"' in html or CHARSET not in html:
            continue
        meta = f'<meta http-equiv="Content-Security-Policy" content="{page_policy(html)}">'
        page.write_text(html.replace(CHARSET, CHARSET + meta, 1), encoding="utf-8")
