"""Crashes the interpreter."""

import ctypes


def guide(noise_uncond, noise_text, guidance_scale):
    return ctypes.string_at(0)
