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


def tree_at(commit: str, destination: Path, root: Path = ROOT) -> None:
    """Write every file of policy_source/ as it was at a commit into `destination` (its policy_source/)."""
    listed = subprocess.run(["git", "-C", str(root), "ls-tree", "-r", "--name-only", commit, "--", "policy_source/"],
                            capture_output=True, text=True, check=True).stdout.split()
    for name in listed:
        content = subprocess.run(["git", "-C", str(root), "show", f"{commit}:{name}"], capture_output=True,
                                 check=True).stdout
        target = destination / Path(name).relative_to("policy_source")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
