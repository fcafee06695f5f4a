from __future__ import annotations

from typing import TYPE_CHECKING

from metstandards.rules.secrets._bindings import Whole
from metstandards.rules.secrets._sinks import SecretFlow

if TYPE_CHECKING:
    import libcst as cst

    from metstandards.engine.context import FileContext


class SecretTrackedAsParam(SecretFlow):
    """The whole command line or environment is tracked as run parameters, secrets included.

    ## What it does
    Flags `mlflow.log_params(...)`, `wandb.config.update(...)` (also on a run from
    `wandb.init`) and `wandb.init(config=...)` given a whole mapping that holds secrets, and
    the same through the trackers real training scripts use alike: accelerate's
    `Accelerator().init_trackers(name, config)` and a Lightning logger's `log_hyperparams`.
    The mapping is:
    - the parsed command line (`vars(args)`, `args.__dict__`, or `args` itself), when an argparse
      parser in the same module has a secret-like option (`--token`, `--api-key`,
      `--hub_token`); `args` is the namespace returned by `parse_args()` /
      `parse_known_args()` in view, or, where its origin is not in view (a parameter,
      `self.args`), a name that is exactly `args`, the near-universal convention;
    - `os.environ`, whole (`dict(os.environ)`, `os.environ.copy()`, `{**os.environ}` too).

    A name assigned from one of these (`experiment_config = vars(args)`) counts.

    ## Why is this bad?
    `log_params(vars(args))` is the one-liner every training script copies, and it records
    every option of the command line with every run: the `--api-key` passed on the command
    line becomes a parameter of the experiment, shown in the MLflow or W&B interface, returned
    by its search API and copied into every export of the run. Logging `os.environ` records
    every credential of the job's environment at once (cloud keys, tracking-server passwords,
    `HF_TOKEN`).

    ## Example
    ```python
    parser.add_argument("--lr", type=float)
    parser.add_argument("--api-key")
    args = parser.parse_args()
    mlflow.log_params(vars(args))
    ```

    ## Use instead
    ```python
    params = {k: v for k, v in vars(args).items() if k != "api_key"}
    mlflow.log_params(params)
    ```
    or better, read the key from the environment (`os.environ["CDSAPI_KEY"]`) instead of the
    command line, which also keeps it out of the shell history and `ps` output.

    ## Options
    `secret-words` (shared with MS301) decides which options are secret-like, by the option's
    `dest` (else its first long name: `--hf-token` is `hf_token`). Options that store no value
    (`action="store_true"`, `count`, `BooleanOptionalAction`, ...) are flags, not secrets. The
    parser's options count wherever they are declared in the module (a `parse_args()` helper
    below `main` too). A filtered copy (`{k: v for k, v in vars(args).items() if ...}`) is
    trusted to have dropped the secrets. Single secret values inside a tracked mapping
    (`{"token": token}`) are MS301's findings.
    """

    code = "MS302"
    name = "secret-tracked-as-param"
    notebooks = True

    VALID = (
        "import argparse, mlflow\n\ndef main():\n    parser = argparse.ArgumentParser()\n"
        "    parser.add_argument('--lr', type=float)\n    parser.add_argument('--max-tokens')\n"
        "    args = parser.parse_args()\n    mlflow.log_params(vars(args))\n",
        "import argparse, wandb\n\ndef main():\n    parser = argparse.ArgumentParser()\n"
        "    parser.add_argument('--token')\n    args = parser.parse_args()\n"
        "    params = {k: v for k, v in vars(args).items() if k != 'token'}\n"
        "    wandb.init(project='nowcast', config=params)\n",
        "import argparse, mlflow\n\ndef main():\n    parser = argparse.ArgumentParser()\n"
        "    parser.add_argument('--use-auth-token', action='store_true')\n"
        "    parser.add_argument('--token-file')\n"
        "    mlflow.log_params(vars(parser.parse_args()))\n",
        "import mlflow, os\n\ndef track():\n"
        "    mlflow.log_params({'slurm_job': os.environ.get('SLURM_JOB_ID')})\n",
    )
    INVALID = (
        "import argparse, mlflow\n\ndef main():\n    parser = argparse.ArgumentParser()\n"
        "    parser.add_argument('--lr', type=float)\n    parser.add_argument('--api-key')\n"
        "    args = parser.parse_args()\n    mlflow.log_params(vars(args))\n",
        "import argparse, wandb\n\ndef train(args):\n    wandb.config.update(vars(args))\n\n"
        "def parse_args():\n    parser = argparse.ArgumentParser()\n"
        "    parser.add_argument('--wandb-token')\n    return parser.parse_args()\n",
        "import argparse, wandb\n\ndef main():\n    parser = argparse.ArgumentParser()\n"
        "    parser.add_argument('--token')\n    args = parser.parse_args()\n"
        "    wandb.init(project='nowcast', config=vars(args))\n",
        "import mlflow, os\n\ndef track():\n    mlflow.log_params(os.environ)\n",
        "import os, wandb\n\ndef track():\n    run = wandb.init()\n"
        "    run.config.update(dict(os.environ))\n",
    )

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        # Command lines tracked whole: findings if the module's parser has a secret option.
        self._waiting: list[tuple[cst.Arg, cst.Call]] = []

    def visit_Call(self, node: cst.Call) -> None:
        super().visit_Call(node)
        sink = self.sink(node)
        arg = sink.params_argument() if sink is not None else None
        whole = self.mapping(arg.value) if arg is not None else None
        if arg is None or whole is None:
            return
        if whole is Whole.ENVIRON:
            self.report(
                arg,
                f"`{self.source(arg.value)}` sends the whole environment to "
                f"`{self.source(node.func)}`: every credential in it (cloud keys, tokens, "
                "tracking passwords) is stored with the run; track an explicit dict of the "
                "settings that matter instead; see `metstandards explain MS302`",
            )
        else:
            self._waiting.append((arg, node))

    def leave_Module(self, node: cst.Module) -> None:
        if not self.secret_options:
            return
        dest = self.secret_options[0][1]
        noun, pronoun = ("option", "it") if len(self.secret_options) == 1 else ("options", "them")
        for arg, call in self._waiting:
            self.report(
                arg,
                f"`{self.source(arg.value)}` sends every command-line option to "
                f"`{self.source(call.func)}`, and the parser has the secret {noun} "
                f"{self.options_text()}: it is stored with the run, for everyone who can open "
                f"it; drop {pronoun} first (`{{k: v for k, v in vars(args).items() if k != "
                f"{dest!r}}}`) or read the secret from the environment instead; see "
                "`metstandards explain MS302`",
            )
