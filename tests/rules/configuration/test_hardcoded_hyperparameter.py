"""MS401: which literals are hyperparameters, on which APIs, and what the finding says."""

from __future__ import annotations

import libcst as cst
import pytest

from metstandards.rules.configuration.hardcoded_hyperparameter import (
    KEYWORDS,
    _hardcoded,
    is_config_module,
)


def _findings(lint_project, source: str, path: str = "pkg/train.py") -> list[tuple[int, str]]:
    result = lint_project({path: source}, select=("MS401",))
    return [(f.line, f.message) for f in result.findings]


@pytest.mark.parametrize(
    ("keyword", "source", "flagged"),
    [
        ("lr", "1e-3", True),
        ("lr", "3_000e-7", True),
        ("momentum", "+0.9", True),
        ("lr", "-0.5", True),
        ("max_steps", "-1", False),  # Lightning's "no limit"
        ("betas", "(0.9, 0.999)", True),
        ("betas", "[0.9, 0.999]", True),
        ("betas", "(0.9, beta2)", False),
        ("betas", "()", False),
        ("dropout", "0", False),
        ("dropout", "0.0", False),
        ("dropout_rate", "0.", False),
        ("dropout", "0.1", True),
        ("p", "0", False),
        ("batch_size", "1", False),  # batching off
        ("batch_size", "2", True),
        ("weight_decay", "0", True),  # only dropout is "off" at zero
        ("num_layers", "0x10", True),
        ("num_layers", "1" * 5000, True),  # beyond int()'s digit limit
        ("lr", "cfg.lr", False),
        ("lr", "base_lr * 2", False),
        ("lr", "float('1e-3')", False),
        ("lr", "True", False),
    ],
)
def test_which_values_are_hardcoded(keyword: str, source: str, flagged: bool) -> None:
    assert _hardcoded(keyword, cst.parse_expression(source)) is flagged


@pytest.mark.parametrize(
    ("path", "configuration"),
    [
        ("pkg/config.py", True),
        ("pkg/settings.py", True),
        ("defaults.py", True),
        ("src/pkg/constants.py", True),
        ("pkg/conf/optim.py", True),
        ("configs/model.py", True),
        ("pkg/config/__init__.py", True),
        ("pkg/train_config.py", False),
        ("pkg/configuration.py", False),
        ("pkg/train.py", False),
    ],
)
def test_configuration_modules(path: str, configuration: bool) -> None:
    assert is_config_module(path) is configuration


def test_default_keywords_are_the_catalogue_list() -> None:
    assert len(KEYWORDS) == len(set(KEYWORDS)) == 25
    assert {"lr", "betas", "n_estimators", "l1_ratio", "embed_dim"} <= set(KEYWORDS)


def test_message_names_the_value_the_call_and_what_to_do(lint_project) -> None:
    source = "import torch\nopt = torch.optim.Adam(params, lr=1e-3)\n"
    [(line, message)] = _findings(lint_project, source)
    assert line == 2
    assert "`lr` = `1e-3`" in message
    assert "`torch.optim.Adam`" in message
    assert "`lr=cfg.lr`" in message
    assert "metstandards explain MS401" in message


def test_positional_learning_rate_is_named_in_the_message(lint_project) -> None:
    [(_, message)] = _findings(
        lint_project, "import torch.optim as optim\nopt = optim.SGD(p, 0.1)\n"
    )
    assert "`lr` = `0.1`" in message


@pytest.mark.parametrize(
    ("source", "count"),
    [
        # Names are resolved through imports, never guessed from the bare name.
        ("from torch.nn import Dropout as Drop\nlayer = Drop(0.2)\n", 1),
        ("from pkg.layers import Dropout\nlayer = Dropout(0.2)\n", 0),
        ("from pkg.layers import Dropout\nlayer = Dropout(p=0.2)\n", 0),
        ("import torch.nn.functional as F\ny = F.dropout(x, 0.3)\n", 1),
        ("import torch\nlayer = torch.nn.AlphaDropout(p=0.1)\n", 1),
        ("from pkg.optim import SGD\nopt = SGD(params, 0.1)\n", 0),
        ("import torch\nopt = torch.optim.SGD(params, 0.1)\n", 1),
        ("import torch\nsched = torch.optim.lr_scheduler.StepLR(opt, 30, 0.1)\n", 2),
        (
            "from torch.optim.lr_scheduler import MultiStepLR\ns = MultiStepLR(o, [30, 60], 0.1)\n",
            1,
        ),
        ("import torch\nsched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, 100)\n", 0),
        ("from scipy.stats import gamma\ng = gamma(a=2.0)\nr = ratio(gamma=0.99)\n", 0),
        ("from sklearn.linear_model import Lasso\nm = Lasso(alpha=0.1)\n", 1),
        (
            "from sklearn.inspection import DecisionBoundaryDisplay as Display\n"
            "Display.from_estimator(model, X, alpha=0.5)\n",
            0,
        ),
        ("import seaborn as sns\nsns.histplot(x, alpha=0.4)\n", 0),
        ("from torch import nn\nnorm = nn.SyncBatchNorm(64, momentum=0.01)\n", 0),
        ("import torch\nopt = torch.optim.SGD(params, lr=0.1, momentum=0.9)\n", 2),
        ("opt = make(*args, 0.1)\n", 0),
    ],
)
def test_api_specific_parameters(lint_project, source: str, count: int) -> None:
    assert len(_findings(lint_project, source)) == count


def test_a_model_that_gets_weights_in_the_same_class_is_not_flagged(lint_project) -> None:
    source = (
        "class Wrapper:\n"
        "    def __init__(self):\n"
        "        self.net = AFNO(embed_dim=768)\n"
        "        self.head = Head(hidden_dim=64)\n"
        "    def restore(self, path):\n"
        "        self.net.load_state_dict(torch.load(path, weights_only=True))\n"
    )
    assert [line for line, _ in _findings(lint_project, source)] == [4]


def test_loading_an_optimizer_state_does_not_excuse_its_learning_rate(lint_project) -> None:
    source = (
        "def resume(params, path):\n    opt = torch.optim.Adam(params, lr=1e-3)\n"
        "    opt.load_state_dict(torch.load(path, weights_only=True))\n    return opt\n"
    )
    assert [line for line, _ in _findings(lint_project, source)] == [2]


def test_a_loader_in_another_function_does_not_excuse_the_architecture(lint_project) -> None:
    source = (
        "def build():\n    model = AFNO(embed_dim=768)\n    return model\n\n"
        "def restore(model, path):\n    load_checkpoint(model, path)\n"
    )
    assert [line for line, _ in _findings(lint_project, source)] == [2]


def test_a_data_loader_is_not_a_weight_loader(lint_project) -> None:
    source = (
        "def data(cfg):\n    dataset = Radar(batch_size=32)\n"
        "    return DataLoader(dataset, shuffle=True)\n"
    )
    assert [line for line, _ in _findings(lint_project, source)] == [2]


def test_preset_tables_only_at_module_level(lint_project) -> None:
    source = "def sizes():\n    return {'small': Geometry(num_layers=6)}\n"
    assert len(_findings(lint_project, source)) == 1


def test_scripts_and_main_blocks_are_package_code(lint_project) -> None:
    main = "if __name__ == '__main__':\n    train(lr=1e-3)\n"
    assert len(_findings(lint_project, main, "scripts/train.py")) == 1
