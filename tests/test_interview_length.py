"""How many questions a reader answers: reported for every complete path, and kept from growing.

The order of the questions in rules.yaml was chosen to keep these low; a rules change that makes
interviews longer fails here, so the change is made knowingly (update the bounds in the same PR).
"""

from __future__ import annotations

import statistics

from wizard import Engine
from wizard.graph import path_lengths

MEDIAN_AT_MOST = 9
LONGEST_AT_MOST = 10


def test_questions_per_complete_path(engine: Engine) -> None:
    lengths = path_lengths(engine)
    print(f"\n{len(lengths)} complete paths: median {statistics.median(lengths)} questions, "
          f"maximum {max(lengths)}, shortest {min(lengths)}")
    assert statistics.median(lengths) <= MEDIAN_AT_MOST
    assert max(lengths) <= LONGEST_AT_MOST


def test_a_post_that_is_settled_early_ends_early(engine: Engine) -> None:
    """Personal information shared without consent stops any post: nothing else is asked after it."""
    answers = {"capacity": "business"}
    while (result := engine.evaluate(answers)).next != "discloses_personal_info":
        answers[result.next] = "no"
    answers["discloses_personal_info"] = "yes"
    result = engine.evaluate(answers)
    assert result.verdict == "not-allowed" and result.next is None
    assert len(answers) <= 3
