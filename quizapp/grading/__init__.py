"""Grading: answer parsers, comparison, probes and the reference worker client.

Nothing here imports torch or diffusers except `grading/reference/` and `grading/worker.py`,
which only ever run inside the reference worker process.
"""
