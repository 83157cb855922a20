"""The extra UNet input of a 9-channel inpainting model (SD inpainting's interface).

diffusers' inpaint pipeline concatenates, after `scale_model_input`, the latents (4),
the mask (1) and the masked image's latents (4) along the channel axis when
`unet.config.in_channels == 9`; mask and masked latents are already doubled under CFG.
"""

from __future__ import annotations

from typing import Any

import torch


def condition(
    unet: Any, shape: tuple[int, int, int, int], cfg: bool, seed: int
) -> tuple[torch.Tensor, torch.Tensor] | None:
    """(mask, masked_image_latents) for an inpainting UNet, None for a plain one.

    The mask is all ones (repaint everything); the masked-image latents are seeded noise
    from `manual_seed(seed + 3)`, standing in for the encoded masked image.
    """
    batch, channels, height, width = shape
    if int(unet.config.in_channels) != 2 * channels + 1:
        return None
    generator = torch.Generator("cpu").manual_seed(seed + 3)
    mask = torch.ones(batch, 1, height, width)
    masked = torch.randn((batch, channels, height, width), generator=generator)
    if cfg:
        mask, masked = torch.cat([mask] * 2), torch.cat([masked] * 2)
    return mask, masked
