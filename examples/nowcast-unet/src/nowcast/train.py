"""Train the nowcasting U-Net: ``python -m nowcast.train configs/default.yaml``."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import torch

from nowcast.config import Config, load_config
from nowcast.data import make_loaders
from nowcast.model import NowcastUNet

log = logging.getLogger(__name__)


def save_checkpoint(model: NowcastUNet, optimizer: torch.optim.Optimizer, epoch: int, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    state = {"model": model.state_dict(), "optimizer": optimizer.state_dict(), "epoch": epoch}
    torch.save(state, path)  # violation: MS201, no test reloads a checkpoint


def resume(model: NowcastUNet, optimizer: torch.optim.Optimizer, path: Path) -> int:
    state = torch.load(path, map_location="cpu")  # violation: MS202, unpickles anything
    model.load_state_dict(state["model"])
    optimizer.load_state_dict(state["optimizer"])
    return int(state["epoch"]) + 1


def train(config: Config) -> None:
    device = "cuda" if torch.cuda.is_available() else "cpu"
    train_loader, valid_loader = make_loaders(config.data, config.train.batch_size)
    model = NowcastUNet(config.data.input_steps, config.data.lead_steps, config.model).to(device)
    optimizer = torch.optim.AdamW(model.parameters(), lr=config.train.lr)
    loss_fn = torch.nn.MSELoss()
    checkpoint = Path(config.train.checkpoint_dir) / "last.pt"
    first_epoch = resume(model, optimizer, checkpoint) if checkpoint.exists() else 0

    for epoch in range(first_epoch, config.train.max_epochs):
        model.train()
        for inputs, targets in train_loader:
            optimizer.zero_grad()
            loss = loss_fn(model(inputs.to(device)), targets.to(device))
            loss.backward()
            optimizer.step()
        model.eval()
        with torch.no_grad():
            losses = [
                loss_fn(model(inputs.to(device)), targets.to(device)).item()
                for inputs, targets in valid_loader
            ]
        log.info("epoch %d: validation MSE %.4f", epoch, sum(losses) / max(len(losses), 1))
        save_checkpoint(model, optimizer, epoch, checkpoint)


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    train(load_config(Path(sys.argv[1])))
