"""Model families by model: which `Family` (`families/base.py`) runs a probe's `model:`.

A model folder names its pipeline in `model_index.json` (`_class_name`); the family that
lists that pipeline runs it. A folder without one (a bare UNet folder) and model `none`
(no network: a scheduler-only probe) take `DEFAULT`, the SD 1.5 layout. Adding a family:
its module here, listed in `FAMILIES`.
"""

from __future__ import annotations

from pathlib import Path

from quizapp.engine import load
from quizapp.engine.families import flux, sd3, sd15, sdxl, wan
from quizapp.engine.families.base import Family
from quizapp.engine.families.controlnet import ControlNetFamily
from quizapp.engine.reference.errors import ProbeError

#: Every family, in the order they are asked.
FAMILIES: tuple[Family, ...] = (sd15.FAMILY, sdxl.FAMILY, sd3.FAMILY, flux.FAMILY, wan.FAMILY)
#: The family of model `none` and of folders that name no pipeline.
DEFAULT: Family = sd15.FAMILY


def family_for(model_path: Path | None, controlnet: Path | None = None) -> Family:
    """The family that runs the model in `model_path` (None: model `none`), steered by the
    ControlNet in `controlnet` when one is given.

    Raises:
        ProbeError: the folder names a pipeline no family runs, or a ControlNet is given
            for a model that is not SD 1.5's.
    """
    if controlnet is not None:
        base = family_for(model_path)
        if base is not sd15.FAMILY or model_path is None:
            raise ProbeError(f"a ControlNet steers an SD 1.5 UNet; {base.name} is not one")
        return ControlNetFamily(controlnet_path=controlnet)
    if model_path is None:
        return DEFAULT
    pipeline = load.pipeline_class(model_path)
    if pipeline is None:
        return DEFAULT
    for family in FAMILIES:
        if pipeline in family.pipelines:
            return family
    known = ", ".join(name for family in FAMILIES for name in family.pipelines)
    raise ProbeError(f"no model family runs {pipeline} (model {model_path}); known: {known}")
