"""policy_source/ files as they were at a commit, read from git without touching the working tree."""

from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def source_files_at(commit: str, names: tuple[str, ...], root: Path = ROOT) -> dict[str, bytes]:
    """The given policy_source/ files as they were at a commit (those that existed), as bytes."""
    files = {}
    for name in names:
        shown = subprocess.run(["git", "-C", str(root), "show", f"{commit}:policy_source/{name}"], capture_output=True)
        if shown.returncode == 0:
            files[name] = shown.stdout
    return files
