"""The optimizer process: `python -m quizapp.engine.fit_worker STORE_PATH`.

Reads the store's rated practice reviews and the learner's settings, runs
`fitting.fit_history` (the Rust FSRS optimizer Anki uses), and prints JSON lines:
`{"stage": ..., "done": 0..1}` as it goes, then the answer (`FitAnswer.to_json`), or
`{"error": "one line"}` with exit status 1. It only reads the store; the caller decides
whether to keep the parameters. A process, so that the UI stays responsive while the
optimizer takes the CPU, and a stuck fit can be killed; like every engine child it exits if
its parent dies (`engine/lifeline.py`), so killing `quizapp optimize` leaves no fit running.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from quizapp.engine.lifeline import watch_parent


def _progress(stage: str, done: float) -> None:
    print(json.dumps({"stage": stage, "done": round(done, 4)}), flush=True)


def main() -> None:
    watch_parent()  # first: killing the parent mid-import must end this process too
    from quizapp.oneline import describe_exception
    from quizapp.store.db import Store
    from quizapp.study.fitting import as_reviews, fit_history, stage_start
    from quizapp.study.settings import load_settings

    try:
        _progress("reading", stage_start("reading"))
        with Store.open(Path(sys.argv[1])) as store:
            reviews = as_reviews(store.rated_practice_reviews())
            settings = load_settings(store)
        answer = fit_history(reviews, settings.model().parameters, settings.days, _progress)
    except Exception as error:
        print(json.dumps({"error": describe_exception(error)}), flush=True)
        sys.exit(1)
    print(json.dumps(answer.to_json()), flush=True)


if __name__ == "__main__":
    main()
