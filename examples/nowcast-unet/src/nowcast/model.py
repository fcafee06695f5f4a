"""A compact U-Net that maps past radar frames to future ones."""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from nowcast.config import ModelConfig


class DoubleConv(nn.Sequential):
    def __init__(self, channels_in: int, channels_out: int) -> None:
        super().__init__(
            nn.Conv2d(channels_in, channels_out, kernel_size=3, padding=1),
            nn.GroupNorm(8, channels_out),
            nn.SiLU(),
            nn.Conv2d(channels_out, channels_out, kernel_size=3, padding=1),
            nn.GroupNorm(8, channels_out),
            nn.SiLU(),
        )


class NowcastUNet(nn.Module):
    def __init__(self, input_steps: int, lead_steps: int, config: ModelConfig) -> None:
        super().__init__()
        self.input_steps = input_steps
        self.lead_steps = lead_steps
        self.config = config
        widths = [config.base_channels * 2**level for level in range(config.depth)]
        self.down = nn.ModuleList()
        channels = input_steps
        for width in widths:
            self.down.append(DoubleConv(channels, width))
            channels = width
        self.up = nn.ModuleList(
            DoubleConv(channels_in + channels_skip, channels_skip)
            for channels_in, channels_skip in zip(widths[:0:-1], widths[-2::-1])  # violation: ruff:B905
        )
        self.head = nn.Conv2d(widths[0], lead_steps, kernel_size=1)
        self.pool = nn.MaxPool2d(2)
        self._init_head()

    def _init_head(self) -> None:
        nn.init.normal_(self.head.weight, std=0.01)  # violation: MS102, global torch state
        nn.init.zeros_(self.head.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        skips = []
        for index, block in enumerate(self.down):
            x = block(x)
            if index < len(self.down) - 1:
                skips.append(x)
                x = self.pool(x)
        for block, skip in zip(self.up, reversed(skips)):  # violation: ruff:B905
            x = nn.functional.interpolate(x, size=skip.shape[-2:], mode="bilinear")
            x = block(torch.cat([x, skip], dim=1))
        return self.head(x)

    def to_config(self) -> dict[str, Any]:
        return {
            "input_steps": self.input_steps,
            "lead_steps": self.lead_steps,
            "base_channels": self.config.base_channels,
            "depth": self.config.depth,
        }
