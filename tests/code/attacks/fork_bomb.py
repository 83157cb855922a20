"""Forks children that each take 800 MB, more than the run's cap, then forks forever."""

import os

children = []
for _ in range(3):
    pid = os.fork()
    if pid == 0:
        block = bytearray(800 * 1024 * 1024)
        os._exit(0)
    children.append(pid)
while True:
    os.fork()
