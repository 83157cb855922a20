"""The optimizer process: `python -m quizapp.engine.fit_worker STORE_PATH`.

Fits FSRS parameters to the store's rated practice reviews with py-fsrs's `Optimizer`
(torch, imported only here) and prints one JSON line: `{"parameters": [...]}`, or
`{"error": "one line"}` with exit status 1. It only reads the store; the caller decides
whether to keep the parameters. A process, like the reference worker, so the UI stays
responsive and never imports torch.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def fit(store_path: Path) -> list[float]:
    """The optimizer's parameters for the history in the store at `store_path`."""
    from fsrs import Rating, ReviewLog
    from fsrs.optimizer import Optimizer

    from quizapp.store.db import Store
    from quizapp.study.fitting import as_reviews

    with Store.open(store_path) as store:
        reviews = as_reviews(store.rated_practice_reviews())
    logs = [
        ReviewLog(
            card_id=review.card_id,
            rating=Rating(review.rating),
            review_datetime=review.at,
            review_duration=None,
        )
        for review in reviews
    ]
    return [float(p) for p in Optimizer(logs).compute_optimal_parameters()]


def main() -> None:
    try:
        parameters = fit(Path(sys.argv[1]))
    except Exception as error:
        print(json.dumps({"error": f"{type(error).__name__}: {error}"}))
        sys.exit(1)
    print(json.dumps({"parameters": parameters}))


if __name__ == "__main__":
    main()
