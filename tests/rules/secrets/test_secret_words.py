"""Which names are secret-like: whole snake/camel words, the secret word last, ML tokens apart."""

from __future__ import annotations

import pytest

from metstandards.rules.secrets._words import DEFAULT_SECRET_WORDS, SecretWords, words

DEFAULTS = SecretWords(DEFAULT_SECRET_WORDS)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("getAPIKey2", ("get", "api", "key")),
        ("HFToken", ("hf", "token")),
        ("--hf-token", ("hf", "token")),
        ("AWS_SECRET_ACCESS_KEY", ("aws", "secret", "access", "key")),
        ("__password", ("password",)),
    ],
)
def test_words_split_snake_camel_and_dashes(name: str, expected: tuple[str, ...]) -> None:
    assert words(name) == expected


@pytest.mark.parametrize(
    "name",
    [
        *("password", "db_password", "passwd", "pwd", "secret", "client_secret", "token"),
        *("hf_token", "authToken", "access_token", "sas_token", "api_key", "apiKey", "API_KEY"),
        *("apikey", "access_key", "secret_key", "private_key", "credential", "credentials"),
        *("Authorization", "bearer", "token2", "_token", "self_token", "mlflow.tracking.token"),
    ],
)
def test_secret_names(name: str) -> None:
    assert DEFAULTS.name(name)


@pytest.mark.parametrize(
    "name",
    [
        # ML tokens (the WG3 catalogue NOT list) and their relatives
        *("tokenizer", "tokens", "num_tokens", "max_tokens", "max_new_tokens", "token_ids"),
        *("pad_token", "eos_token", "bos_token", "unk_token", "mask_token", "cls_token"),
        *("sep_token", "eot_token", "special_tokens", "special_token", "token_type_ids"),
        *("token_type", "next_token", "id_to_token", "token_embedding", "token_mixer"),
        # names of an environment variable, a file or an endpoint, not the secret
        *("env_key", "token_var", "TOKEN_ENV_VAR", "api_key_env", "token_file", "password_path"),
        *("credentials_path", "token_url", "secret_name", "password_hash", "AWS_ACCESS_KEY_ID"),
        # yes/no questions about a secret
        *("has_token", "is_secret", "use_auth_token"),
        # not the word at all
        *("cwd", "getcwd", "keyboard", "monkey", "passport", "secretary", "tokenize"),
    ],
)
def test_names_that_are_not_secrets(name: str) -> None:
    assert not DEFAULTS.name(name)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("HF_TOKEN", True),
        ("CDSAPI_KEY", True),
        ("WANDB_API_KEY", True),
        ("EUMETSAT_CONSUMER_SECRET", True),
        ("MLFLOW_TRACKING_PASSWORD", True),
        ("GOOGLE_APPLICATION_CREDENTIALS", True),
        ("TOKENIZERS_PARALLELISM", False),
        ("PWD", False),
        ("KEYCLOAK_URL", False),
        ("HF_TOKEN_PATH", False),
        ("AWS_ACCESS_KEY_ID", False),
        ("SLURM_JOB_ID", False),
    ],
)
def test_environment_variables(name: str, expected: bool) -> None:
    assert DEFAULTS.env_var(name) is expected


def test_configured_words_are_split_like_names() -> None:
    configured = SecretWords(("passphrase", "sasKey", "SIGNING-KEY"))
    assert configured.name("user_passphrase")
    assert configured.name("storage_sas_key")
    assert configured.name("signingKey")
    assert not configured.name("token")
