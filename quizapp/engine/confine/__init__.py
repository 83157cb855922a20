"""Confine a run of learner code where the kernel allows it (Linux: Landlock, seccomp,
namespaces, rlimits); pure Python and ctypes, importable without torch.

`support()` says what this machine offers (and `summary()` says it in one line);
`launch.start(workdir, keep, limits)` forks a run and locks the runner down.
"""
