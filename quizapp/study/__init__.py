"""Spaced repetition (FSRS), practice and mock-interview planners; `now` is passed in."""
