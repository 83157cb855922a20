"""Starts a double-forked setsid daemon that would outlive the run and write a file later."""

import os
import time

MARKER = "/tmp/quizapp-attack-daemon-marker"

if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        time.sleep(2)
        with open(MARKER, "w") as stream:
            stream.write("still here")
    os._exit(0)
