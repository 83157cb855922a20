"""The engine: everything that runs in a child process and imports torch or diffusers.

The reference worker (`worker.py`, `reference/`), the code server and its harnesses
(`code_server.py`, `harness/`) and the optimizer process (`fit_worker.py`). Nothing outside
this package imports torch or diffusers; the UI process talks to these children through
`quizapp/grading/client.py`.
"""
