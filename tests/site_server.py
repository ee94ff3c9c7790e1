"""A static HTTP server for the built site, as a City web server would serve it (MIME types, headers)."""

from __future__ import annotations

import functools
import socket
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
    gzipped = False  # this response is a file's pre-compressed copy

    def send_head(self):
        """Serve `file.gz` for `file` to browsers that accept gzip, as nginx's `gzip_static on` does:
        with the compressed copy's Last-Modified, so browsers can revalidate it."""
        self.gzipped = False
        path = Path(self.translate_path(self.path))
        self.gzipped = ("gzip" in self.headers.get("Accept-Encoding", "") and path.is_file()
                        and path.with_name(path.name + ".gz").is_file())
        return super().send_head()

    def translate_path(self, path: str) -> str:
        translated = super().translate_path(path)
        return translated + ".gz" if self.gzipped else translated

    def guess_type(self, path: str) -> str:
        return super().guess_type(path.removesuffix(".gz") if self.gzipped else path)

    def end_headers(self) -> None:
        if self.gzipped:
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Vary", "Accept-Encoding")
        for name, value in self.extra_headers.items():
            self.send_header(name, value)
        if self.path.startswith(self.long_lived):
            self.send_header("Cache-Control", "public, max-age=31536000, immutable")
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


def free_port() -> int:
    """A loopback port nothing listens on now (for a server this process starts itself)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


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
