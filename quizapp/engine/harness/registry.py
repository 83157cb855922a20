"""Harness name → its module (`build`, `EXAMPLES`), and the per-process case cache."""

from __future__ import annotations

import json
from types import ModuleType
from typing import Any

import torch

from quizapp.engine.harness import (
    base,
    cfg_combine,
    ddim_step,
    denoise_loop,
    denoise_step,
    model_input,
    predict_x0,
)
from quizapp.packs.harnesses import HARNESSES

MODULES: dict[str, ModuleType] = {
    module.SPEC.name: module
    for module in (cfg_combine, model_input, predict_x0, ddim_step, denoise_step, denoise_loop)
}

_CACHE: dict[str, list[base.Case]] = {}


def cases_for(harness: str, params: list[dict[str, Any]]) -> list[base.Case]:
    """The built cases of `harness` with these (complete) parameters, built once per process.

    Raises:
        KeyError: for an unknown harness.
    """
    key = json.dumps([harness, params], sort_keys=True)
    if key not in _CACHE:
        module = MODULES[harness]
        with torch.no_grad():
            _CACHE[key] = [module.build(dict(case)) for case in params]
    return _CACHE[key]


def default_params(harness: str) -> list[dict[str, Any]]:
    """The harness's default cases, completed."""
    return HARNESSES[harness].full_cases(None)
