"""Objective coverage: which questions cover each objective of a pack, by question type.

An objective practised by one or two questions is easy to miss in a session and gives a
weak-spot report little to go on, so authors are told which objectives are thin.
"""

from __future__ import annotations

from dataclasses import dataclass

from quizapp.packs.models import QUESTION_TYPES, Objective, Pack

#: Objectives covered by fewer questions than this are flagged.
MIN_QUESTIONS = 3


@dataclass(frozen=True)
class ObjectiveCoverage:
    """The questions that cover one objective.

    Attributes:
        objective: The objective, as declared in the pack header.
        by_type: Question ids per question type, types in `QUESTION_TYPES` order, questions
            in pack order; types with no question are left out.
    """

    objective: Objective
    by_type: dict[str, tuple[str, ...]]

    @property
    def total(self) -> int:
        """How many questions cover the objective."""
        return sum(len(ids) for ids in self.by_type.values())

    @property
    def thin(self) -> bool:
        """True when fewer than `MIN_QUESTIONS` questions cover the objective."""
        return self.total < MIN_QUESTIONS


@dataclass(frozen=True)
class PackCoverage:
    """Coverage of every objective of a pack.

    Attributes:
        objectives: One entry per declared objective, in declaration order.
        uncovering: Ids of questions that cover no objective, in pack order.
    """

    objectives: tuple[ObjectiveCoverage, ...]
    uncovering: tuple[str, ...]

    @property
    def thin(self) -> tuple[ObjectiveCoverage, ...]:
        """The objectives covered by fewer than `MIN_QUESTIONS` questions."""
        return tuple(entry for entry in self.objectives if entry.thin)


def pack_coverage(pack: Pack) -> PackCoverage:
    """Group `pack`'s questions by the objectives they cover, then by question type.

    Args:
        pack: A validated pack (so every `covers` entry names a declared objective).

    Returns:
        The coverage of each declared objective and the questions that cover none.
    """
    found: dict[str, dict[str, list[str]]] = {
        objective.id: {} for objective in pack.pack.objectives
    }
    for question in pack.questions:
        # A question listing an objective twice still counts once for it.
        for objective_id in dict.fromkeys(question.covers):
            by_type = found.get(objective_id)
            if by_type is not None:
                by_type.setdefault(question.type, []).append(question.id)
    entries = tuple(
        ObjectiveCoverage(
            objective,
            {
                kind: tuple(found[objective.id][kind])
                for kind in QUESTION_TYPES
                if kind in found[objective.id]
            },
        )
        for objective in pack.pack.objectives
    )
    uncovering = tuple(question.id for question in pack.questions if not question.covers)
    return PackCoverage(entries, uncovering)


def format_coverage(pack_id: str, coverage: PackCoverage) -> list[str]:
    """The lines `quizapp validate --coverage` prints for one pack.

    Args:
        pack_id: The pack's id, for the heading.
        coverage: What `pack_coverage` computed.

    Returns:
        A heading, then per objective a line with its count (flagged when thin) and one
        line per question type listing the question ids.
    """
    lines = [
        f"{pack_id}: {len(coverage.objectives)} objective(s), "
        f"{len(coverage.thin)} with fewer than {MIN_QUESTIONS} questions"
    ]
    for entry in coverage.objectives:
        flag = f"  << fewer than {MIN_QUESTIONS}" if entry.thin else ""
        objective = entry.objective
        lines.append(f"  {objective.id} ({objective.kind}): {entry.total} question(s){flag}")
        for kind, ids in entry.by_type.items():
            lines.append(f"    {kind:<9} {len(ids):>2}  {', '.join(ids)}")
    if coverage.uncovering:
        lines.append(f"  covering no objective: {', '.join(coverage.uncovering)}")
    return lines
