"""Choices are asked in a new order each review: deterministic, graded by the letters shown."""

from __future__ import annotations

from pathlib import Path

from quizapp.grading.grader import grade, typed_reference
from quizapp.grading.qtypes.choice import in_review_order
from quizapp.packs.loader import load_pack
from quizapp.packs.models import ChoiceQuestion
from quizapp.study.planning import StudyItem
from quizapp.study.variants import draw_item

UI_PACK = Path(__file__).parent / "ui" / "packs" / "ui-basics.yaml"
CONTENT = Path(__file__).parent.parent / "content"


def choice_question() -> ChoiceQuestion:
    question = load_pack(UI_PACK).pack.question("choice-noise")
    assert isinstance(question, ChoiceQuestion)
    return question


class History:
    """The store's answer to the draw: `reviews` so far, no variant."""

    def __init__(self, reviews: int) -> None:
        self.reviews = reviews

    def variant_history(self, pack_id: str, question_id: str) -> tuple[int, None]:
        return self.reviews, None


def texts(question: ChoiceQuestion) -> list[str]:
    return [choice.text for choice in question.choices]


def test_the_order_is_deterministic_per_review_and_changes_between_reviews() -> None:
    question = choice_question()
    orders = [tuple(texts(in_review_order(question, "ui-basics", n))) for n in range(12)]
    assert orders == [tuple(texts(in_review_order(question, "ui-basics", n))) for n in range(12)]
    assert all(sorted(order) == sorted(texts(question)) for order in orders)
    assert len(set(orders)) > 1


def test_a_review_asks_the_drawn_order_and_grades_the_letters_shown() -> None:
    question = choice_question()
    for reviews in range(6):
        shown = draw_item(StudyItem("ui-basics", question), History(reviews)).question
        assert isinstance(shown, ChoiceQuestion)
        assert texts(shown) == texts(in_review_order(question, "ui-basics", reviews))
        right = next(i for i, choice in enumerate(shown.choices) if choice.correct)
        letter = "abc"[right]
        reference = typed_reference(shown)
        assert reference is not None
        result = grade(shown, letter, reference)
        assert result.correct, (reviews, letter, texts(shown))
        assert result.expected == f"{letter}) {shown.choices[right].text}"


def test_across_reviews_the_right_answer_moves_in_every_bundled_three_choice_question() -> None:
    """Over a learner's first reviews the right choice is not pinned to one place."""
    for path in sorted(CONTENT.glob("*.yaml")):
        loaded = load_pack(path)
        for question in loaded.pack.questions:
            if not isinstance(question, ChoiceQuestion) or question.probe is not None:
                continue
            places = {
                tuple(
                    i
                    for i, c in enumerate(in_review_order(question, loaded.id, n).choices)
                    if c.correct
                )
                for n in range(8)
            }
            assert len(places) > 1, (loaded.id, question.id)
