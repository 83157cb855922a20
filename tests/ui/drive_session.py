"""Drive the app headless in a fresh interpreter, for the tests that need a real process.

Usage: python drive_session.py MODE, with QUIZAPP_HOME set. Modes:
- `kill`: answer two questions (leaving the second on its feedback view, unrated), print
  "ANSWERED 2", then wait to be killed.
- `modules`: walk the home screen and a whole session of the (non-executed) test pack, then
  print the imported module names as JSON.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

from quizapp.app import QuizApp
from quizapp.packs.registry import Registry

PACKS = Path(__file__).parent / "packs"


def _first_choice_answer() -> str:
    """The right letter of choice-noise at its first review (choices shuffle per review)."""
    from quizapp.grading.formatting import choice_letter
    from quizapp.grading.qtypes.choice import in_review_order
    from quizapp.packs.loader import load_pack

    pack = load_pack(PACKS / "ui-basics.yaml").pack
    shown = in_review_order(pack.question("choice-noise"), pack.pack.id, 0)  # type: ignore[arg-type]
    return choice_letter(next(i for i, choice in enumerate(shown.choices) if choice.correct))


ANSWERS = [_first_choice_answer(), "1x4x64x64", "0.18215", "scheduler", "750, 500, 250, 0"]


async def answer(pilot, text: str) -> None:  # type: ignore[no-untyped-def]
    await pilot.press(*text) if len(text) == 1 else await pilot.press(*text, "enter")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def kill(app: QuizApp) -> None:
    async with app.run_test(size=(100, 36)) as pilot:
        await pilot.press("p")
        await pilot.pause()
        await answer(pilot, ANSWERS[0])
        await pilot.press("enter")
        await pilot.pause()
        await answer(pilot, ANSWERS[1])
        print("ANSWERED 2", flush=True)
        await asyncio.sleep(120)


async def modules(app: QuizApp) -> None:
    async with app.run_test(size=(100, 36)) as pilot:
        await pilot.pause()
        await pilot.press("down", "up", "question_mark")
        await pilot.pause()
        await pilot.press("escape", "p")
        await pilot.pause()
        for text in ANSWERS:
            await answer(pilot, text)
            await pilot.press("enter")
            await pilot.pause()
        await pilot.press("enter")  # flashcard: reveal
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press(*"notes", "ctrl+r")
        await pilot.pause()
        await pilot.press("space", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        screen = type(app.screen).__name__
        reviews = len(app.store.reviews())
        await pilot.press("enter")
        await pilot.pause()
    print(json.dumps({"screen": screen, "reviews": reviews, "modules": sorted(sys.modules)}))


def main() -> None:
    app = QuizApp(registry=Registry.load([PACKS]))
    asyncio.run({"kill": kill, "modules": modules}[sys.argv[1]](app))


if __name__ == "__main__":
    main()
