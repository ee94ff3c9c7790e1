"""The interview as a diagram: which question leads to which, and where each verdict is reached.

Drawn at build time from the engine's own interview paths (the same ones exported to the browser), as
a static SVG with no script and no third-party request, and described in words for screen readers.
Questions are boxes in the order rules.yaml lists them (a question an answer makes decisive is asked
earlier, so some arcs go up); an arc joins a question to each question (or
verdict) that can follow it, and is labelled, on hover, with the answers that lead there.
"""

from __future__ import annotations

import textwrap
from collections import defaultdict
from dataclasses import dataclass, field
from html import escape

from wizard.engine import Engine
from wizard.graph import complete_steps

BOX_WIDTH, LINE, PAD, GAP = 330, 15, 8, 18
VERDICT = "verdict:"


@dataclass
class Step:
    """A question or verdict in the diagram, and where its answers lead."""

    id: str  # a question key, or "verdict:<id>"
    label: str
    leads_to: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))  # next id -> answer labels


def interview_steps(engine: Engine) -> list[Step]:
    """Every question on some path, in asking order, then every verdict reached."""
    steps: dict[str, Step] = {}
    reached: set[str] = set()
    for end in complete_steps(engine):
        answers = end.answered
        verdict = engine.outcome(end).verdict
        keys = list(answers)
        for position, key in enumerate(keys):
            question = engine.questions[key]
            step = steps.setdefault(key, Step(key, question.text))
            following = keys[position + 1] if position + 1 < len(keys) else f"{VERDICT}{verdict}"
            label = question.answer(answers[key]).label
            if label not in step.leads_to[following]:
                step.leads_to[following].append(label)
        reached.add(verdict or "")
    ordered = [steps[q.key] for q in engine.rules.questions if q.key in steps]
    ordered += [Step(f"{VERDICT}{v.id}", v.label) for v in engine.rules.verdicts if v.id in reached]
    return ordered


def render_svg(steps: list[Step]) -> str:
    """The diagram as inline SVG markup (described in words by `in_words`, linked by aria-describedby)."""
    lines_of = {s.id: textwrap.wrap(s.label, 44) or [""] for s in steps}
    tops, y = {}, PAD
    for step in steps:
        tops[step.id] = y
        y += len(lines_of[step.id]) * LINE + 2 * PAD + GAP
    height = y
    rank = {s.id: i for i, s in enumerate(steps)}
    middle = {s.id: tops[s.id] + (len(lines_of[s.id]) * LINE + 2 * PAD) / 2 for s in steps}
    name = {s.id: s.label for s in steps}
    span = max((abs(rank[t] - rank[s.id]) for s in steps for t in s.leads_to), default=1)
    width = BOX_WIDTH + 40 + span * 14
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="interview-diagram" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img" aria-labelledby="interview-diagram-title" '
             f'aria-describedby="interview-diagram-words">',
             '<title id="interview-diagram-title">The interview as a diagram: which question leads to which, and '
             'where each verdict is reached</title>']
    for step in steps:
        for target, answers in step.leads_to.items():
            x1, y1, y2 = BOX_WIDTH + 10, middle[step.id], middle[target]
            bulge = x1 + 14 * abs(rank[target] - rank[step.id]) + 10  # arcs up (a decisive question asked early) too
            parts.append(f'<path class="interview-edge" data-from="{escape(step.id)}" data-to="{escape(target)}" '
                         f'd="M{x1},{y1:.0f} C{bulge},{y1:.0f} {bulge},{y2:.0f} {x1 + 6},{y2:.0f}">'
                         f'<title>{escape(step.label)} → {escape(name[target])}: '
                         f'{escape("; ".join(answers))}</title></path>')
    for step in steps:
        kind = "verdict" if step.id.startswith(VERDICT) else "question"
        box_height = len(lines_of[step.id]) * LINE + 2 * PAD
        parts.append(f'<g class="interview-node interview-node--{kind} {escape(step.id.replace(":", "--"))}" '
                     f'data-node="{escape(step.id)}"><rect x="10" y="{tops[step.id]}" width="{BOX_WIDTH}" '
                     f'height="{box_height}" rx="4"/>')
        for number, text in enumerate(lines_of[step.id]):
            parts.append(f'<text x="{10 + PAD}" y="{tops[step.id] + PAD + LINE * (number + 1) - 3}">'
                         f'{escape(text)}</text>')
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)


def in_words(steps: list[Step]) -> list[str]:
    """The same diagram in words, one sentence per question (Markdown)."""
    name = {s.id: s.label for s in steps}
    sentences = []
    for step in steps:
        if not step.leads_to:
            continue
        routes = [f"{' or '.join(f'“{a}”' for a in answers)} leads to "
                  + (f"the verdict **{name[target]}**" if target.startswith(VERDICT) else f"“{name[target]}”")
                  for target, answers in step.leads_to.items()]
        sentences.append(f"**{step.label}** " + "; ".join(routes) + ".")
    return sentences
