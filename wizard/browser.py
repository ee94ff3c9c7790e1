"""The entry point the site's Web Worker calls under Pyodide: JSON answers in, JSON result out.

The worker unpacks the `wizard` package and the compiled rules (rules.json, beside the package) into
Pyodide's file system and imports this module; everything else is the same engine the CLI uses.
"""

from __future__ import annotations

import json
from pathlib import Path

from wizard.engine import AnswerError, Engine
from wizard.graph import sample_paths
from wizard.model import Rules

RULES_FILE = Path(__file__).resolve().parent.parent / "rules.json"
# Set by the build's Pyodide snapshot (sitegen/engine_assets/snapshot.mjs): the SHA-256 of the engine zip this
# module was imported from, so the worker can tell a snapshot of this very engine from a stale one.
ARCHIVE_SHA256: str | None = None
_engine = Engine(Rules.from_dict(json.loads(RULES_FILE.read_text(encoding="utf-8"))))


def evaluate_json(answers_json: str) -> str:
    """Evaluate answers given as a JSON object; an unknown key or value comes back as {"error": ...}."""
    answers = json.loads(answers_json)
    if not isinstance(answers, dict):
        return json.dumps({"error": "The answers must be a JSON object of question keys and answer values.",
                           "key": None, "value": None, "valid": list(_engine.values_of)})
    try:
        return json.dumps(_engine.evaluate(answers).to_dict())
    except AnswerError as error:
        return json.dumps({"error": str(error), "key": error.key, "value": error.value, "valid": error.valid})


def warm_up_answers() -> list[str]:
    """A few complete answer sets (JSON) for the worker to evaluate while the reader is still answering.

    WebAssembly functions are compiled on their first call, so a fresh tab's first verdict takes
    about 10 ms against about 1 ms after. The build's snapshot also evaluates these (the engine
    builds each interview state on first use: they are built before the snapshot is taken).
    """
    return [json.dumps(answers) for answers in sample_paths(_engine)]
