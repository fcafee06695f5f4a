from __future__ import annotations

from typing import TYPE_CHECKING

from metstandards.rules.secrets._sinks import SecretFlow

if TYPE_CHECKING:
    import libcst as cst

    from metstandards.engine.context import FileContext
    from metstandards.rules.secrets._bindings import Leak
    from metstandards.rules.secrets._sinks import Sink

_LOG_ADVICE = (
    "anyone who can read the log or the job output can use it; log `redact(...)` of it or only "
    "whether it is set, and let the code that needs the credential read it from the environment "
    "or the config"
)
_TRACKER_ADVICE = (
    "the tracker stores it with the run, for everyone who can open the run; leave credentials "
    "out of tracked parameters, tags and logs"
)


class SecretInLog(SecretFlow):
    """A secret-like value reaches a log, the console or an experiment tracker.

    ## What it does
    Flags a call to a log, print or tracking sink that receives a secret-like value.

    Sinks, resolved through imports: `logging.*` functions, and loggers provably made by
    `logging.getLogger`, `structlog.get_logger` or `loguru.logger` (assigned in the module, the
    function, the class body or as `self.logger`); `print`, `pprint.pprint`, `warnings.warn`,
    `click.echo`, rich `print` and `Console().print|log`; `mlflow.log_param(s)`,
    `mlflow.set_tag(s)`, `wandb.log`, `wandb.config.update`, `wandb.init(config=...)` and a
    W&B run's `log`/`config.update`; `SummaryWriter(...).add_text`; and, beyond the catalogue,
    the trackers real training scripts feed the same way: accelerate's
    `Accelerator().log/init_trackers` and a Lightning logger's `log_hyperparams`.

    Secret-like values:
    - a name, attribute, dict key, keyword or string subscript whose *last* snake/camel words
      are a secret word (`password`, `hf_token`, `apiKey`, `cfg["db_password"]`,
      `headers["Authorization"]`);
    - `os.environ[...]`, `os.getenv(...)`, `os.environ.get(...)` of a variable whose name ends
      in a secret word or `KEY` (`HF_TOKEN`, `CDSAPI_KEY`, also when the name is held in a
      variable); the whole `os.environ`; `getpass.getpass()`; a function named for the
      secret it gets (`get_token()`, `keyring.get_password(...)`, `load_credentials()`);
    - a name assigned in view from any of these (`key = os.environ["CDSAPI_KEY"]` two lines
      above the sink), a mapping built with a secret in it (`cfg = {"password": password}`,
      `cfg["token"] = token`), and the parsed command line (`args`, `vars(args)`) when an
      argparse parser of the module has a secret-like option such as `--token`.

    Values are followed through f-strings, `%` and `.format()` arguments, `+`, `str()`,
    `json.dumps`, `.join`, containers, comprehensions, loops and keyword arguments.

    Not secret-like: ML tokens (`tokenizer`, `num_tokens`, `max_tokens`, `token_ids`,
    `pad_token`, `eos_token`, `bos_token`, `unk_token`, `mask_token`, `cls_token`,
    `sep_token`, `special_tokens`, `token_type_ids`); names of an environment variable, a file
    or a switch (`token_var`, `env_key`, `token_file`, `use_auth_token`); string literals, so
    a message that only names a variable (`"EUMETSAT_CONSUMER_SECRET not set"`); `len(x)`,
    `bool(x)`, `x is None` and other comparisons; anything passed through a function named like
    *mask*/*redact*/*obfuscate*/*hash* (`hashlib` too).

    ## Why is this bad?
    Logs, job output and experiment trackers are read by many more people than the
    credential's owner, are copied into CI artefacts and support tickets, and are kept for
    years. A token printed once in a SLURM log or stored as an MLflow parameter gives access to
    the data portal (EUMETSAT, CDS, S3) or the model hub to everyone who can read it, and
    cannot be recalled, only revoked.

    ## Example
    ```python
    logger.info(f"token={token}")
    mlflow.log_params({"lr": lr, "api_key": api_key})
    ```

    ## Use instead
    ```python
    logger.info("token=%s", redact(token))
    mlflow.log_params({"lr": lr})
    ```

    ## Options
    `secret-words` (shared with MS302): the words that make a name secret-like, matched as
    whole snake/camel words at the end of a name; a multi-word entry (`api_key`) matches
    consecutive words. Replace the list with `secret-words = [...]` or add to it with
    `extend-secret-words = [...]` in `[tool.metstandards.options]`. Plurals are not implied:
    `tokens` is ML vocabulary; add `secrets` or `passwords` if your code uses them.

    Decisions where the catalogue is silent, made for ML code:
    - The secret word must end the name. English compounds put the thing named last, so
      `hf_token` is a token but `token_ids`, `token_embedding`, `token_file` and `api_key_env`
      are not; nor is `token` after an ML word (`eot_token`, `next_token`, `id_to_token`) or
      after a switch word (`has_token`, `HF_HUB_DISABLE_IMPLICIT_TOKEN`).
    - Where a name is assigned in view (the same function, the module, `self.x` in the class),
      the assigned value decides instead of the name, as it was at that assignment: `token =
      tokenizer.decode(ids)` and `pwd = os.getcwd()` are not secrets, `hf = os.environ[...]`
      is. The last assignment above the sink counts, in source order, branches ignored. A
      credential read in a way the rule cannot see (`token = client.login()`) is missed: the
      rule prefers silence to guessing. Parameters are judged by their names.
    - A loop variable is secret only if what it runs over is; the keys of `os.environ` and of
      `.items()` are names, not secrets. A comprehension with an `if` is taken as a filter
      that chose what may be shown.
    - A slice (`token[:4]`) shows a part on purpose. Environment variable `PWD` is the working
      directory, and `import pwd` a module. `hide`/`scrub`/`censor`/`sanitize` helpers redact
      like `mask`.
    - A logger whose origin is not provable (`log` passed as a parameter, Lightning's
      `self.log` and `self.logger`) is not a sink: names are never guessed.
    - A whole config object is a finding only where it provably holds a secret (built in view
      from a secret value, from `vars(args)` with a secret option, or from `os.environ`). A
      whole `os.environ` or command line given as the run's parameters (`mlflow.log_params`,
      `wandb.config.update`, `wandb.init(config=...)`, ...) is reported by MS302 instead.
    - Expressions nested more than 60 levels deep are not followed.
    """

    code = "MS301"
    name = "secret-in-log"
    notebooks = True

    VALID = (
        "import logging\nlogger = logging.getLogger(__name__)\n\n"
        "def report(tokenizer, num_tokens, max_tokens, token_ids):\n"
        "    logger.info('pad=%s eos=%s', tokenizer.pad_token, tokenizer.eos_token)\n"
        "    logger.info(f'{num_tokens} of {max_tokens} tokens: {token_ids}')\n"
        "    logger.debug('special %s, types %s', tokenizer.special_tokens, token_type_ids)\n",
        "import logging, os\nLOG = logging.getLogger(__name__)\n\n"
        "def credentials(token_var='EUMETSAT_CONSUMER_SECRET'):\n"
        "    env_key = 'CDSAPI_KEY'\n"
        "    if env_key not in os.environ:\n"
        "        LOG.error('%s is not set', env_key)\n"
        "    LOG.warning(f'{token_var} not set, trying ~/.netrc')\n"
        "    LOG.error('EUMETSAT_CONSUMER_SECRET not set')\n",
        "import logging\nlogger = logging.getLogger(__name__)\n\n"
        "def check(token):\n"
        "    logger.info('token length %d', len(token))\n"
        "    logger.info('have token: %s, missing: %s', bool(token), token is None)\n"
        "    logger.info('token: %s', 'set' if token else 'unset')\n",
        "import hashlib, logging\nlogger = logging.getLogger(__name__)\n\n"
        "def audit(token, password):\n"
        "    logger.info('token=%s', redact(token))\n"
        "    shown = mask_secret(password)\n"
        "    logger.info('password=%s', shown)\n"
        "    logger.info('key id %s', hashlib.sha256(token.encode()).hexdigest()[:8])\n",
        "import os\n\ndef where():\n    pwd = os.getcwd()\n    print(pwd)\n",
        "def generate(model, tokenizer, ids):\n"
        "    for token in model.stream(ids):\n        print(tokenizer.decode(token), end='')\n"
        "    token = tokenizer.decode(ids[-1])\n    print('last token', token)\n",
        "import logging\nlogger = logging.getLogger(__name__)\n\n"
        "def start(cfg):\n    logger.info('config: %s', cfg)\n",
        "def train(log, token):\n    log.info('token %s', token)\n",
        "import argparse, logging\nlogger = logging.getLogger(__name__)\n\n"
        "def main():\n    parser = argparse.ArgumentParser()\n"
        "    parser.add_argument('--lr', type=float)\n    parser.add_argument('--token-file')\n"
        "    args = parser.parse_args()\n    logger.info('args: %s', vars(args))\n",
    )
    INVALID = (
        "import logging\nlogger = logging.getLogger(__name__)\n\n"
        "def connect(password):\n    logger.info('password is %s', password)\n",
        "import logging\nlogger = logging.getLogger(__name__)\n\n"
        "def connect(password):\n    logger.info('connecting with %s', password)\n",
        "import logging\nlogger = logging.getLogger(__name__)\n\n"
        "def login(token):\n    logger.info(f'token={token}')\n",
        "import logging\n\ndef login(api_key):\n    logging.debug('api key: ' + api_key)\n",
        "def show(token):\n    print('secret', token)\n",
        "import logging, os\nlogger = logging.getLogger(__name__)\n\n"
        "def dump():\n    logger.info('env: %s', os.environ)\n",
        "import mlflow\n\ndef track(token):\n    mlflow.log_params({'token': token})\n",
        "import wandb\n\ndef track(api_key):\n    wandb.config.update({'api_key': api_key})\n",
        "import logging, os\nLOG = logging.getLogger(__name__)\n\n"
        "def fetch():\n    key = os.environ['CDSAPI_KEY']\n    LOG.debug('using %s', key)\n",
        "import logging\nlogger = logging.getLogger(__name__)\n\n"
        "def connect(user, password):\n    cfg = {'user': user, 'password': password}\n"
        "    logger.info('config: %s', cfg)\n",
        "import argparse, logging\nlogger = logging.getLogger(__name__)\n\n"
        "def main():\n    parser = argparse.ArgumentParser()\n"
        "    parser.add_argument('--api-key')\n    args = parser.parse_args()\n"
        "    logger.info('args: %s', vars(args))\n",
        "import logging\n\nclass Client:\n    def __init__(self, api_key):\n"
        "        self.logger = logging.getLogger(__name__)\n        self.api_key = api_key\n\n"
        "    def fail(self):\n        self.logger.error('rejected key %s', self.api_key)\n",
        "from loguru import logger\n\ndef go(hf_token):\n    logger.debug('hf: {}', hf_token)\n",
        "from torch.utils.tensorboard import SummaryWriter\n\ndef run(token):\n"
        "    writer = SummaryWriter()\n    writer.add_text('auth', token)\n",
    )

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        # Findings that hold only if the module's parser turns out to have a secret option.
        self._waiting: list[tuple[cst.Arg, Sink, Leak]] = []

    def visit_Call(self, node: cst.Call) -> None:
        super().visit_Call(node)
        sink = self.sink(node)
        if sink is None:
            return
        params = sink.params_argument()
        waiting = None
        for arg, leak in self.recorded(sink):  # one finding per call, the surest first
            if arg is params and self.mapping(arg.value):
                continue  # a whole environment or command line tracked as params: MS302
            if not leak.needs_secret_option():
                self._report(arg, sink, leak)
                return
            waiting = waiting or (arg, sink, leak)
        if waiting is not None:
            self._waiting.append(waiting)

    def leave_Module(self, node: cst.Module) -> None:
        if self.secret_options:
            for arg, sink, leak in self._waiting:
                self._report(arg, sink, leak)

    def _report(self, arg: cst.Arg, sink: Sink, leak: Leak) -> None:
        advice = _TRACKER_ADVICE if sink.tracker else _LOG_ADVICE
        self.report(
            arg,
            f"{self.describe(leak)} reaches `{self.source(sink.call.func)}`: {advice}; "
            "see `metstandards explain MS301`",
        )
