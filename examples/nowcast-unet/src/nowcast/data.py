"""Radar composite sequences as (inputs, targets) tensors for nowcasting."""

from __future__ import annotations

import json
import tarfile
from pathlib import Path

import numpy as np
import torch
import xarray as xr
from torch.utils.data import DataLoader, Dataset

from nowcast.config import DataConfig


class RainNormaliser:
    """Log-rain statistics of the training set, stored beside the checkpoint for inference."""

    def __init__(self, mean: float, std: float) -> None:
        self.mean = mean
        self.std = std

    def __call__(self, rain: np.ndarray) -> np.ndarray:
        return (np.log1p(np.clip(rain, 0.0, None)) - self.mean) / self.std

    def save(self, path: Path) -> None:  # violation: MS203, inference cannot load it back
        path.write_text(json.dumps({"mean": self.mean, "std": self.std}))


def unpack_archive(archive: Path, root: Path) -> None:
    """Radar composites arrive from the operational feed as one tarball per day."""
    with tarfile.open(archive) as tar:
        tar.extractall(root)  # violation: bandit:B202, a member named ../../x lands outside root


class RadarSequences(Dataset):
    """Random crops of consecutive radar frames: ``input_steps`` in, ``lead_steps`` out."""

    def __init__(self, files: list[Path], config: DataConfig) -> None:
        self.files = sorted(files)
        self.config = config
        self.rng = np.random.default_rng()  # violation: MS101, crops differ on every run

    def __len__(self) -> int:
        return len(self.files)

    def __getitem__(self, index: int) -> tuple[torch.Tensor, torch.Tensor]:
        with xr.open_dataset(self.files[index]) as ds:
            rain = ds["precipitation"].values.astype("float32")
        steps = self.config.input_steps + self.config.lead_steps
        start = self.rng.integers(0, rain.shape[0] - steps + 1)
        y0, x0 = self._crop_origin(rain.shape[1:])
        size = self.config.crop_size
        window = rain[start : start + steps, y0 : y0 + size, x0 : x0 + size]
        window = np.log1p(np.clip(window, 0.0, None))
        tensor = torch.from_numpy(window)
        return tensor[: self.config.input_steps], tensor[self.config.input_steps :]

    def _crop_origin(self, shape: tuple[int, int]) -> tuple[int, int]:
        size = self.config.crop_size
        y0 = np.random.randint(0, shape[0] - size + 1)  # violation: MS102 ruff:NPY002, global numpy state
        x0 = np.random.randint(0, shape[1] - size + 1)  # violation: MS102 ruff:NPY002
        return int(y0), int(x0)


def quality_mask(rain: np.ndarray, echo_top: np.ndarray, site: str, winter: bool) -> np.ndarray:  # violation: MS501
    """Pixels to keep: one long function of special cases that grew with every radar site."""
    mask = np.isfinite(rain)
    if site == "alb":
        mask &= rain < 150.0
    elif site == "dol":
        mask &= rain < 120.0
    elif site == "ppm":
        mask &= rain < 100.0 if winter else rain < 180.0
    if winter and site in ("alb", "dol"):
        mask &= echo_top > 1.5
    elif winter:
        mask &= echo_top > 1.0
    for threshold in (0.1, 0.2):
        if site != "ppm" and threshold > 0.1:
            mask &= rain > threshold
        elif winter and threshold < 0.2:
            mask &= rain > threshold / 2
    if not mask.any():
        raise ValueError(f"no valid pixels for {site}")
    return mask


def make_loaders(config: DataConfig, batch_size: int) -> tuple[DataLoader, DataLoader]:
    files = sorted(Path(config.root).glob("*.nc"))
    np.random.shuffle(files)  # violation: MS102 ruff:NPY002, the split changes between runs
    cut = int(0.9 * len(files))
    train = RadarSequences(files[:cut], config)
    valid = RadarSequences(files[cut:], config)
    return (
        DataLoader(train, batch_size=batch_size, shuffle=True, num_workers=4),
        DataLoader(valid, batch_size=batch_size),
    )
