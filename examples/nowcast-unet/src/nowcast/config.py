"""Typed configuration, read from YAML so that runs are described by files, not code."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml


@dataclass
class DataConfig:
    root: Path = Path("data/radar")
    crop_size: int = 128
    input_steps: int = 4
    lead_steps: int = 6


@dataclass
class ModelConfig:
    base_channels: int = 32
    depth: int = 4


@dataclass
class TrainConfig:
    lr: float = 3e-4
    batch_size: int = 16
    max_epochs: int = 40
    checkpoint_dir: Path = Path("checkpoints")


@dataclass
class Config:
    data: DataConfig = field(default_factory=DataConfig)
    model: ModelConfig = field(default_factory=ModelConfig)
    train: TrainConfig = field(default_factory=TrainConfig)
    seed: int = 0


def load_config(path: Path) -> Config:
    raw = yaml.safe_load(path.read_text())
    return Config(
        data=DataConfig(**raw.get("data", {})),
        model=ModelConfig(**raw.get("model", {})),
        train=TrainConfig(**raw.get("train", {})),
        seed=int(raw.get("seed", 0)),
    )


def lead_minutes(config: DataConfig, step_minutes: int = 5) -> list[int]:
    """Lead times of the forecast frames, for labelling scores."""
    return range(step_minutes, step_minutes * (config.lead_steps + 1), step_minutes)  # violation: mypy:return-value
