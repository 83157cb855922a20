"""Spaced repetition (FSRS), practice-session and mock-interview planners. Pure: `now` is passed in."""
