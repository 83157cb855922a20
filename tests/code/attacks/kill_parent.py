"""Kills its parent, its process group and the server, then returns zeros."""

import os
import signal

import torch

SERVER_PIDS = []  # the test writes the code server's pids here


def guide(noise_uncond, noise_text, guidance_scale):
    for pid in [os.getppid(), *SERVER_PIDS]:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError as error:
            print("kill", pid, type(error).__name__)
    return torch.zeros_like(noise_uncond)
