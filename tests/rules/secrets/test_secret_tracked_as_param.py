"""MS302: which command lines count as holding a secret, and what the finding says."""

from __future__ import annotations

import pytest

TRACK = "import argparse, mlflow\n\ndef main(parser):\n"
LOG_PARAMS = "    mlflow.log_params(vars(parser.parse_args()))\n"


def _ms302(lint_project, source: str) -> list[tuple[int, str]]:
    result = lint_project({"pkg/m.py": source}, select=("MS302",))
    return [(f.line, f.message) for f in result.findings]


@pytest.mark.parametrize(
    "option",
    [
        "'--token'",
        "'--api-key'",
        "'--hf-token'",
        "'-k', '--cds-api-key'",
        "'--key', dest='apiKey'",
        "'password'",
        "'--db-password', action='store'",
    ],
)
def test_secret_options(lint_project, option: str) -> None:
    source = TRACK + f"    parser.add_argument({option})\n" + LOG_PARAMS
    assert [line for line, _ in _ms302(lint_project, source)] == [5]


@pytest.mark.parametrize(
    "option",
    [
        "'--token-file'",
        "'--token-env'",
        "'--max-tokens', type=int",
        "'--pad-token'",
        "'--token', action='store_true'",
        "'--token', action=argparse.BooleanOptionalAction",
        "'--token', dest='token_path'",
        "'--password-file'",
    ],
)
def test_options_that_hold_no_secret(lint_project, option: str) -> None:
    source = TRACK + f"    parser.add_argument({option})\n" + LOG_PARAMS
    assert _ms302(lint_project, source) == []


def test_message_names_option_and_sink_and_the_fix(lint_project) -> None:
    source = (
        TRACK + "    parser.add_argument('--api-key')\n    args = parser.parse_args()\n"
        "    mlflow.log_params(vars(args))\n"
    )
    [(line, message)] = _ms302(lint_project, source)
    assert line == 6
    assert message.startswith("`vars(args)` sends every command-line option to `mlflow.log_params`")
    assert "`--api-key`" in message
    assert "if k != 'api_key'" in message
    assert message.endswith("see `metstandards explain MS302`")


def test_a_namespace_assigned_from_something_else_is_not_a_command_line(lint_project) -> None:
    source = (
        TRACK + "    parser.add_argument('--token')\n    args = load_run_config()\n"
        "    mlflow.log_params(vars(args))\n"
    )
    assert _ms302(lint_project, source) == []


def test_parse_known_args_gives_a_namespace(lint_project) -> None:
    source = (
        TRACK + "    parser.add_argument('--token')\n    args, rest = parser.parse_known_args()\n"
        "    mlflow.log_params(vars(args))\n    opts = parser.parse_known_args()[0]\n"
        "    mlflow.log_params(vars(opts))\n"
    )
    assert [line for line, _ in _ms302(lint_project, source)] == [6, 8]


def test_whole_environment_in_every_shape(lint_project) -> None:
    source = (
        "import os, wandb\nfrom os import environ\n\ndef f():\n"
        "    wandb.init(config=os.environ)\n    wandb.init(config=dict(environ))\n"
        "    wandb.config.update(os.environ.copy())\n"
        "    wandb.config.update({'job': os.environ.get('SLURM_JOB_ID')})\n"
    )
    assert [line for line, _ in _ms302(lint_project, source)] == [5, 6, 7]
