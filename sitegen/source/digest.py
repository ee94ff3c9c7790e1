"""A fingerprint of policy_source/, so compiled rules can tell whether they are out of date.

Standard library only: the command line uses it before anything else is installed.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

SOURCE_FILES = ("policy.md", "rules.yaml", "glossary.yaml", "related.yaml")


def source_digest(source_dir: Path) -> str:
    digest = hashlib.sha256()
    for name in SOURCE_FILES:
        digest.update(name.encode() + b"\0" + (source_dir / name).read_bytes())
    return digest.hexdigest()
