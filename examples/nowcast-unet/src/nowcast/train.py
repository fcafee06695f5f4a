"""Train the nowcasting U-Net: ``python -m nowcast.train configs/default.yaml``."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

import mlflow
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
    state = torch.load(path, map_location="cpu")  # violation: MS202, unpickles anything (bandit's B614, folded into it)
    model.load_state_dict(state["model"])
    optimizer.load_state_dict(state["optimizer"])
    return int(state["epoch"]) + 1


def start_tracking() -> None:
    mlflow.set_tracking_uri("http://localhost:5000")  # violation: MS402, works on one laptop only
    token = os.environ["MLFLOW_TRACKING_TOKEN"]
    log.info("tracking with token %s", token)  # violation: MS301, the token lands in the job log


def train(config: Config) -> None:
    start_tracking()
    device = "cuda" if torch.cuda.is_available() else "cpu"
    train_loader, valid_loader = make_loaders(config.data, config.train.batch_size)
    model = NowcastUNet(config.data.input_steps, config.data.lead_steps, config.model).to(device)
    optimizer = torch.optim.AdamW(model.parameters(), lr=config.train.lr)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=10, gamma=0.5)  # violation: MS401
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
        scheduler.step()
        mean_loss = sum(losses) / max(len(losses), 1)
        log.info("epoch %d: validation MSE %.4f", epoch, mean_loss)
        mlflow.log_metric("val_mse", mean_loss, step=epoch)
        save_checkpoint(model, optimizer, epoch, checkpoint)


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    train(load_config(Path(sys.argv[1])))
