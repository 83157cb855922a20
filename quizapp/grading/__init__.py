"""Grading: answer parsers, comparison, probes and the reference worker client.

Nothing here imports torch or diffusers: what runs them lives in `quizapp/engine/`, in child
processes this package's client starts.
"""
