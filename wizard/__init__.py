"""The "Am I allowed to post this?" rule engine: generic, standard library only, no I/O.

It knows nothing City-specific: questions, obligations, unclear notes and verdicts all come from
compiled rules data (built from policy_source/rules.yaml). The same code runs in CPython for the
command line and in the reader's browser under Pyodide.
"""

from wizard.engine import AnswerError, Engine, Result
from wizard.model import Rules

__all__ = ["AnswerError", "Engine", "Result", "Rules"]
