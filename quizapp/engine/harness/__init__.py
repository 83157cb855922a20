"""The torch side of the code harnesses: build seeded cases, compute the expected outputs with
diffusers, recognise classic mistakes. Runs only in the code server (`engine/code_server.py`),
never in the UI process and never in the reference worker. The data each harness declares
(function, parameters, default cases, mistake names) is `quizapp/packs/harnesses.py`.
"""
