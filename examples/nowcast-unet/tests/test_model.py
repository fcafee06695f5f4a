import numpy as np
import torch

from nowcast.config import ModelConfig
from nowcast.evaluate import critical_success_index
from nowcast.model import NowcastUNet


def test_output_shape() -> None:
    torch.manual_seed(0)
    model = NowcastUNet(input_steps=4, lead_steps=6, config=ModelConfig(base_channels=8, depth=3))
    out = model(torch.randn(2, 4, 64, 64))
    assert out.shape == (2, 6, 64, 64)


def test_perfect_forecast_scores_one() -> None:
    field = np.random.default_rng(1).gamma(0.5, 2.0, size=(32, 32))
    assert critical_success_index(field, field, threshold=1.0) == 1.0
