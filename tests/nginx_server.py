"""The built site served by Debian's nginx with the server block ARCHITECTURE.md gives, word for word."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.site_server import free_port

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "ARCHITECTURE.md"
DEPLOYED_AT = "/srv/policy-site"  # where the guide's configuration expects the site


def guide_server_block() -> str:
    """The guide's nginx configuration for the site's server block."""
    blocks = re.findall(r"```nginx\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.S)
    assert len(blocks) == 1, "ARCHITECTURE.md gives one nginx block"
    return blocks[0]



@contextmanager
def serve_with_nginx(site_dir: Path, work_dir: Path) -> Iterator[str]:
    """Run nginx in the foreground on a free port; yield the site's address, then stop it."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    port = free_port()
    shutil.copy("/etc/nginx/mime.types", work_dir / "mime.types")
    temp = "\n".join(f"  {kind}_temp_path {work_dir / kind};" for kind in ("client_body", "proxy", "fastcgi",
                                                                             "uwsgi", "scgi"))
    # As root nginx's workers would run as nobody, who cannot enter pytest's private temporary folders.
    user = "user root;\n" if os.geteuid() == 0 else ""
    server = guide_server_block().replace(DEPLOYED_AT, str(site_dir))
    (work_dir / "nginx.conf").write_text(
        f"{user}daemon off;\nworker_processes 1;\npid {work_dir / 'nginx.pid'};\nerror_log {work_dir / 'error.log'};\n"
        f"events {{ worker_connections 64; }}\nhttp {{\n  access_log off;\n{temp}\n"
        f"  server {{\n    listen 127.0.0.1:{port};\n{server}\n  }}\n}}\n", encoding="utf-8")
    process = subprocess.Popen([nginx, "-p", str(work_dir), "-c", str(work_dir / "nginx.conf"),
                                "-e", str(work_dir / "error.log")], stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 10
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"nginx did not start:\n{process.stderr.read()}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("nginx did not answer within 10 s") from None
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}/"
    finally:
        process.send_signal(signal.SIGQUIT)  # graceful: workers finish, then the master exits
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
