"""The order a session asks its questions in: siblings apart, packs and topics interleaved.

Interleaving (mixing topics instead of blocking them) teaches discrimination: a learner who
meets ten questions of one pack in a row answers from the context, not from the question.
So a session over several packs never asks more than `MAX_RUN` in a row from one pack
while another still has questions, and within a pack the topic (then the objectives)
changes from one question to the next where it can.

Siblings are questions that give each other away (the same number asked twice, a code
question whose reference solution answers another): their author names them with one
`group:`, and a session keeps only the first of a group, as Anki buries siblings.

The input order is the plan's priority (due cards, most overdue first, then new ones); it
is kept wherever the rules above leave a choice, so due cards still come before new ones.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # planning imports this module to order its plans
    from quizapp.study.planning import StudyItem

#: At most this many questions in a row from one pack while another pack has questions.
MAX_RUN = 2


def without_siblings(items: Iterable[StudyItem], taken: Collection[str] = ()) -> list[StudyItem]:
    """The items, keeping only the first question of each `group:`.

    Args:
        items: In priority order.
        taken: Groups already asked (their questions are all left out).
    """
    seen = set(taken)
    kept: list[StudyItem] = []
    for item in items:
        group = item.question.group
        if group is not None:
            if group in seen:
                continue
            seen.add(group)
        kept.append(item)
    return kept


def interleave(
    items: Sequence[StudyItem], is_new: Callable[[StudyItem], bool] = lambda _: False
) -> list[StudyItem]:
    """The items reordered: packs mixed, topics and objectives alternating within a pack.

    Args:
        items: In priority order.
        is_new: True for a never-reviewed question: those come after every due one
            (across packs too), as the plan put them.
    """
    queues: dict[str, list[StudyItem]] = {}
    for item in items:
        queues.setdefault(item.pack_id, []).append(item)
    for pack_id, queue in queues.items():
        due = [item for item in queue if not is_new(item)]
        new = [item for item in queue if is_new(item)]
        alternated = _alternate(due)
        queues[pack_id] = alternated + _alternate(new, alternated[-1] if alternated else None)
    first = {pack_id: index for index, pack_id in enumerate(queues)}
    ordered: list[StudyItem] = []
    while len(ordered) < len(items):
        open_packs = [pack_id for pack_id, queue in queues.items() if queue]
        run = ordered[-MAX_RUN:]
        ran = run[0].pack_id if len(run) == MAX_RUN else None
        if ran in open_packs and len(open_packs) > 1 and all(i.pack_id == ran for i in run):
            open_packs.remove(ran)  # that pack has had its run: another one's turn

        def rank(pack_id: str) -> tuple[bool, int, int]:
            # Due before new; then the pack with the most left (spreads it out); then the
            # plan's pack order.
            queue = queues[pack_id]
            return (is_new(queue[0]), -len(queue), first[pack_id])

        chosen = min(open_packs, key=rank)
        ordered.append(queues[chosen].pop(0))
    return ordered


def _alternate(queue: list[StudyItem], last: StudyItem | None = None) -> list[StudyItem]:
    """One pack's questions with the topic changing each time where it can (then the
    objectives), otherwise in the given order."""
    left = list(queue)
    ordered: list[StudyItem] = []
    while left:
        previous = ordered[-1] if ordered else last
        chosen = left[0]
        if previous is not None:
            chosen = min(left, key=lambda item: _likeness(item, previous))
        left.remove(chosen)  # min() keeps the first of equals: the plan's order
        ordered.append(chosen)
    return ordered


def _likeness(item: StudyItem, previous: StudyItem) -> tuple[bool, bool]:
    question, before = item.question, previous.question
    return (question.topic == before.topic, bool(set(question.covers) & set(before.covers)))
