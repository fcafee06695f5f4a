"""MS301: local data flow, sinks proven through imports, messages, options and scope."""

from __future__ import annotations

LOGGER = "import logging\nlogger = logging.getLogger(__name__)\n\n"


def _ms301(lint_project, source: str, pyproject: str = "") -> list[tuple[int, str]]:
    result = lint_project({"pkg/m.py": source}, pyproject=pyproject, select=("MS301", "MS302"))
    return [(f.line, f.message) for f in result.findings if f.code == "MS301"]


def _lines(lint_project, source: str, pyproject: str = "") -> list[int]:
    return [line for line, _ in _ms301(lint_project, source, pyproject)]


def test_a_name_assigned_from_the_environment_is_caught_two_lines_later(lint_project) -> None:
    source = (
        LOGGER + "import os\n\ndef connect():\n    creds = os.environ['CDSAPI_KEY']\n"
        "    url = 'https://cds.climate.copernicus.eu/api'\n"
        "    logger.info('connecting to %s with %s', url, creds)\n"
    )
    assert _lines(lint_project, source) == [9]


def test_a_name_assigned_from_a_redaction_helper_is_not(lint_project) -> None:
    source = (
        LOGGER + "import os\n\ndef connect(token):\n    token = redact(token)\n"
        "    logger.info('token %s', token)\n    shown = obfuscate(os.environ['HF_TOKEN'])\n"
        "    logger.info('hf %s', shown)\n"
    )
    assert _lines(lint_project, source) == []


def test_the_last_assignment_above_the_sink_decides(lint_project) -> None:
    source = (
        LOGGER + "import os\n\ndef f(tokenizer, ids):\n    token = tokenizer.decode(ids)\n"
        "    logger.info('decoded %s', token)\n    token = os.getenv('HF_TOKEN')\n"
        "    logger.info('hub %s', token)\n"
    )
    assert _lines(lint_project, source) == [10]


def test_an_assigned_name_is_judged_by_its_value_an_unassigned_one_by_its_name(
    lint_project,
) -> None:
    source = (
        "import os\n\ndef f(password):\n    print(password)\n\n"
        "def g():\n    pwd = os.getcwd()\n    print(pwd)\n"
    )
    assert _lines(lint_project, source) == [4]


def test_unpacking_leaves_each_name_to_its_own_name(lint_project) -> None:
    source = (
        LOGGER + "def f(store):\n    user, password = store.get_credentials()\n"
        "    logger.info('user %s', user)\n    logger.info('password %s', password)\n"
    )
    assert _lines(lint_project, source) == [7]


def test_loop_variables_take_the_secret_of_what_they_iterate(lint_project) -> None:
    source = (
        "import os\n\ndef f(tokens):\n    for token in tokens:\n        print(token)\n"
        "    for name, value in os.environ.items():\n        print(name, value)\n"
        "        print(f'overriding from {name}')\n"
        "    for name in os.environ:\n        print(name)\n"
        "    print([f'{k}={v}' for k, v in os.environ.items()])\n"
        "    print([k for k, v in os.environ.items()], [k for k in os.environ.keys()])\n"
        "    print({k: v for k, v in os.environ.items() if k.startswith('SLURM_')})\n"
    )
    assert _lines(lint_project, source) == [7, 11]


def test_an_env_var_name_resolved_through_a_local_string(lint_project) -> None:
    source = (
        "import os\n\nVAR = 'EUMETSAT_CONSUMER_SECRET'\n\ndef f():\n"
        "    print(f'{VAR} is not set')\n    print(os.environ[VAR])\n"
        "    print(os.environ.get('SLURM_JOB_ID'), os.getenv('PWD'))\n"
    )
    assert _lines(lint_project, source) == [7]


def test_loggers_must_be_provable(lint_project) -> None:
    source = (
        "import logging\nimport structlog\nfrom loguru import logger as lg\n\n"
        "LOG = logging.getLogger(__name__)\nslog = structlog.get_logger()\n\n"
        "class Client:\n    log = logging.getLogger('client')\n\n"
        "    def __init__(self):\n        self.logger = logging.getLogger(__name__)\n\n"
        "    def run(self, token, log):\n"
        "        LOG.info(token)\n        slog.warning('t', token=token)\n"
        "        lg.success(token)\n        self.logger.error(token)\n"
        "        self.log.info(token)\n        logging.getLogger('x').info(token)\n"
        "        log.info(token)\n        self.log('token', token)\n"
    )
    assert _lines(lint_project, source) == [15, 16, 17, 18, 19, 20]


def test_redaction_and_reductions_are_not_leaks(lint_project) -> None:
    source = (
        LOGGER + "import hashlib\n\ndef f(api_key):\n"
        "    logger.info('%s %s %s', len(api_key), bool(api_key), api_key is None)\n"
        "    logger.info('%s...', api_key[:4])\n"
        "    logger.info('%s', 'set' if api_key else 'missing')\n"
        "    logger.info('%s', hashlib.sha256(api_key.encode()).hexdigest())\n"
        "    logger.info('%s', mask_secret(api_key))\n"
        "    logger.info('%s', hash(api_key))\n"
    )
    assert _lines(lint_project, source) == []


def test_values_are_followed_through_text_and_containers(lint_project) -> None:
    source = (
        LOGGER + "import json\n\ndef f(token):\n"
        "    logger.info('a {}'.format(token))\n    logger.info('b %s' % (token,))\n"
        "    logger.info(', '.join(['x', token]))\n    logger.info(json.dumps({'t': token}))\n"
        "    logger.info(str(token).strip())\n    logger.info('c', extra={'auth': token})\n"
    )
    assert _lines(lint_project, source) == [7, 8, 9, 10, 11, 12]


def test_message_names_value_and_sink_and_advice(lint_project) -> None:
    source = LOGGER + "def f(token):\n    logger.info(f'token={token}')\n"
    [(line, message)] = _ms301(lint_project, source)
    assert line == 5
    assert message.startswith("`token` reaches `logger.info`: ")
    assert "redact" in message
    assert message.endswith("see `metstandards explain MS301`")
    tracked = _ms301(lint_project, "import mlflow\n\ndef f(t):\n    mlflow.log_param('token', t)\n")
    assert tracked[0][1].startswith("`t` under the key `token` reaches `mlflow.log_param`")


def test_whole_command_line_with_a_secret_option(lint_project) -> None:
    source = (
        LOGGER + "import argparse\n\ndef main():\n    args = parse_args()\n"
        "    logger.info('args %s', args)\n\n"
        "def parse_args():\n    p = argparse.ArgumentParser()\n"
        "    p.add_argument('--db-password')\n    return p.parse_args()\n"
    )
    [(line, message)] = _ms301(lint_project, source)
    assert line == 8
    assert "`args` (the parsed command line, with `--db-password`)" in message


def test_tracking_a_whole_command_line_is_left_to_ms302(lint_project) -> None:
    source = (
        "import argparse, mlflow, os\n\ndef main():\n    p = argparse.ArgumentParser()\n"
        "    p.add_argument('--token')\n    args = p.parse_args()\n"
        "    mlflow.log_params(vars(args))\n    mlflow.log_params(os.environ)\n"
    )
    result = lint_project({"pkg/m.py": source}, select=("MS301", "MS302"))
    assert sorted((f.code, f.line) for f in result.findings) == [("MS302", 7), ("MS302", 8)]


def test_secret_words_can_be_replaced(lint_project) -> None:
    source = "def f(token, passphrase):\n    print(token, passphrase)\n"
    pyproject = '[tool.metstandards.options]\nsecret-words = ["passphrase"]\n'
    [(line, message)] = _ms301(lint_project, source, pyproject)
    assert line == 2
    assert message.startswith("`passphrase` reaches")


def test_secret_words_can_be_extended(lint_project) -> None:
    source = "def f(token, secrets):\n    print(secrets)\n    print(token)\n"
    pyproject = '[tool.metstandards.options]\nextend-secret-words = ["secrets"]\n'
    assert _lines(lint_project, source, pyproject) == [2, 3]
    assert _lines(lint_project, source) == [3]


def test_extended_words_reach_argparse_options(lint_project) -> None:
    source = (
        "import argparse, mlflow\n\ndef main():\n    p = argparse.ArgumentParser()\n"
        "    p.add_argument('--sas')\n    mlflow.log_params(vars(p.parse_args()))\n"
    )
    result = lint_project(
        {"pkg/m.py": source},
        pyproject='[tool.metstandards.options]\nextend-secret-words = ["sas"]\n',
        select=("MS302",),
    )
    assert [f.line for f in result.findings] == [6]


def test_a_name_is_evaluated_as_it_was_at_its_assignment(lint_project) -> None:
    source = (
        "import os\n\ndef f():\n    hf = os.environ['HF_TOKEN']\n    alias = hf\n"
        "    hf = redact(hf)\n    print(hf)\n    print(alias)\n"
    )
    assert _lines(lint_project, source) == [8]


def test_pathological_code_is_checked_without_recursion_error(lint_project) -> None:
    terms = " + ".join(["'x'"] * 400)
    chain = "".join(f"    a{i + 1} = a{i}\n" for i in range(300))
    ors = " or ".join(f"n{i}" for i in range(400))
    strings = " ".join(["'A_'"] * 400)
    source = (
        "import os\n\ndef f(token):\n"
        f"    print(token + {terms})\n    print({terms} + token)\n"
        f"    a0 = os.environ['HF_TOKEN']\n{chain}    print(a300)\n"
        f"    log = {ors}\n    log.info(token)\n"
        f"    print(os.environ[{strings} 'TOKEN'])\n"
    )
    result = lint_project({"pkg/m.py": source}, select=("MS301", "MS000"))
    assert [(f.code, f.line) for f in result.findings] == [("MS301", 5), ("MS301", 310)]


def test_getters_named_for_a_secret(lint_project) -> None:
    source = (
        "import keyring\n\ndef f(client, logits, cfg):\n"
        "    print(client.get_token())\n    print(keyring.get_password('svc', 'me'))\n"
        "    print(client.refresh_token())\n    print(client.api_key())\n"
        "    print(check_token(cfg), sample_token(logits), hide_secrets(cfg))\n"
        "    print(get_masked_token(), DefaultAzureCredential(), client.token_count())\n"
    )
    assert _lines(lint_project, source) == [4, 5, 6, 7]


def test_a_sure_leak_is_not_held_back_by_a_command_line_one(lint_project) -> None:
    source = "def f(args, token):\n    print(args, token)\n"
    assert _lines(lint_project, source) == [2]
