"""The engine: everything that runs in a child process and imports torch or diffusers.

The reference worker (`worker.py`, `reference/`), the code server and its harnesses
(`code_server.py`, `harness/`) and the optimizer process (`fit_worker.py`), on top of what
they share: the one denoising loop (`loop.py`), the mistakes table (`mistakes.py`), the model
families (`families/`) and the loader (`load.py`). Nothing outside this package imports torch
or diffusers (`tests/test_engine_boundary.py`); the UI process talks to these children
through `quizapp/grading/client.py` in the typed protocol of `protocol.py`; it and
`lifeline.py`, which the UI side imports too, import neither.
"""
