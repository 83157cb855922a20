"""Learner code, judged from outside its process.

    judge (the code server: protocol, cases with their expected and mistake outputs)
      └─ zygote (forked warm, before any case is built: torch, diffusers, tiny-sd, and the
         cases' inputs, which the judge sends it)
           └─ keeper ─ runner (one per submission, confined: `engine/confine`)

The runner runs the learner's function on each case and sends back each raw output
(dtype, shape, bytes) on a channel that carries nothing else (`channel.py`); the judge
checks, compares, names the mistake and counts the rows (`judge.py`). Nothing the runner
holds or patches is the verdict. `submission.run` is one submission, end to end.
"""
