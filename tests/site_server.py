"""A static HTTP server for the built site, as a City web server would serve it (MIME types, headers)."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar


class SiteHandler(SimpleHTTPRequestHandler):
    extensions_map: ClassVar[dict[str, str]] = {**SimpleHTTPRequestHandler.extensions_map,
                      ".wasm": "application/wasm", ".mjs": "text/javascript", ".js": "text/javascript",
                      ".json": "application/json", ".zip": "application/zip"}
    extra_headers: ClassVar[dict[str, str]] = {}
    # As the README's server configuration: the versioned engine folders are cached for a year.
    long_lived: ClassVar[tuple[str, ...]] = ("/pyodide/", "/assets/wizard/")

    def send_head(self):
        """Serve `file.gz` for `file` to browsers that accept gzip, as nginx's `gzip_static on` does."""
        path = Path(self.translate_path(self.path))
        compressed = path.with_name(path.name + ".gz")
        if "gzip" in self.headers.get("Accept-Encoding", "") and path.is_file() and compressed.is_file():
            handle = compressed.open("rb")
            self.send_response(200)
            self.send_header("Content-Type", self.guess_type(str(path)))
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Vary", "Accept-Encoding")
            self.send_header("Content-Length", str(compressed.stat().st_size))
            self.end_headers()
            return handle
        return super().send_head()

    def end_headers(self) -> None:
        for name, value in self.extra_headers.items():
            self.send_header(name, value)
        if self.path.startswith(self.long_lived):
            self.send_header("Cache-Control", "public, max-age=31536000, immutable")
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serve(directory: Path, headers: dict[str, str] | None = None,
          port: int = 0) -> Iterator[tuple[ThreadingHTTPServer, str]]:
    """Serve `directory` on loopback (a free port unless given); yields the server and its base URL."""
    handler = type("Handler", (SiteHandler,), {"extra_headers": headers or {}})
    server = ThreadingHTTPServer(("127.0.0.1", port), functools.partial(handler, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server, f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
