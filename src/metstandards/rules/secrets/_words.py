"""Which names mean a secret: the MS3xx rules' words, and the test a name must pass.

Deciding whether a value is a secret is the hard part of both rules, and the traps are specific
to ML code, where "token" usually means a tokenizer token. Names are split into whole snake/camel
words, and a secret word must be the *last* word of the name: English compounds put the thing
last, so `hf_token` is a token while `token_ids`, `token_file` and `api_key_env` are ids, a file
and the name of an environment variable. `token` after an ML word (`pad_token`, `eos_token`,
`next_token`) is a vocabulary entry. Names only: what a name is bound to is decided elsewhere.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

#: The option both rules read, and its default: the words of the WG3 catalogue (MS301).
SECRET_WORDS_OPTION = "secret-words"
DEFAULT_SECRET_WORDS = (
    "password",
    "passwd",
    "pwd",
    "secret",
    "token",
    "api_key",
    "apikey",
    "access_key",
    "secret_key",
    "private_key",
    "credential",
    "credentials",
    "authorization",
    "bearer",
    "client_secret",
    "sas_token",
)

#: Words before `token` that make it a vocabulary entry of a language or vision model.
_ML_TOKEN_WORDS = frozenset(
    {
        *("pad", "eos", "bos", "unk", "mask", "cls", "sep", "eot", "eod", "sot", "special"),
        *("start", "end", "stop", "class", "register", "query", "image", "img", "text", "vision"),
        *("patch", "word", "next", "new", "prev", "last", "first", "sample", "sampled", "to"),
        *("num", "max", "min", "input", "output", "target", "prompt", "dummy", "placeholder"),
    }
)
#: Words that make a name a switch or a question about a secret (`has_token`, `use_auth_token`,
#: `HF_HUB_DISABLE_IMPLICIT_TOKEN`), not the secret.
_SWITCH_WORDS = frozenset(
    {"is", "has", "use", "enable", "disable", "no", "allow", "require", "skip"}
)
#: Environment variables are secret-like with one more word (`CDSAPI_KEY`, `WANDB_API_KEY`).
_ENV_EXTRA_WORDS = (("key",),)

_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")
_REDACTING = (
    "mask",
    "redact",
    "obfuscate",
    "hash",
    "hide",
    "scrub",
    "censor",
    "sanitiz",
    "sanitis",
)


@lru_cache(maxsize=4096)
def words(name: str) -> tuple[str, ...]:
    """The lower-case snake/camel words of ``name``, numbers dropped: ``getAPIKey2`` ->
    ``("get", "api", "key")``; ``--hf-token`` -> ``("hf", "token")``."""
    return tuple(w.lower() for w in _WORD.findall(name) if not w.isdigit())


class SecretWords:
    """The project's secret words, and the test a name must pass to be secret-like."""

    def __init__(self, configured: Sequence[str]) -> None:
        self._words = tuple(w for w in (words(entry) for entry in configured) if w)
        self._env_words = self._words + _ENV_EXTRA_WORDS
        self._known: dict[str, bool] = {}

    def name(self, name: str) -> bool:
        """Whether a variable, attribute, key or option called ``name`` holds a secret."""
        known = self._known.get(name)
        if known is None:
            known = self._known[name] = _ends_with_secret(words(name), self._words)
        return known

    def name_is_secret_word(self, parts: tuple[str, ...]) -> bool:
        """Whether ``parts`` are exactly one secret word (``api_key``), nothing before it."""
        return parts in self._words

    def env_var(self, name: str) -> bool:
        """Whether the environment variable ``name`` holds a secret. ``$PWD`` is the shell's
        working directory, not a password."""
        return name.upper() != "PWD" and _ends_with_secret(words(name), self._env_words)


def _ends_with_secret(parts: tuple[str, ...], secret_words: tuple[tuple[str, ...], ...]) -> bool:
    for word in secret_words:
        size = len(word)
        if len(parts) < size or parts[-size:] != word:
            continue
        before = parts[:-size]
        if word == ("token",) and before and before[-1] in _ML_TOKEN_WORDS:
            continue
        if _SWITCH_WORDS.intersection(before):
            continue
        return True
    return False


def is_redactor(own: str, qualified: str | None) -> bool:
    """Whether a call to ``own`` (its last name) or ``qualified`` hides its argument: named like
    *mask*/*redact*/*obfuscate*/*hash* (`hashlib.sha256`, builtin `hash` included), or
    *hide*/*scrub*/*censor*/*sanitize* (`_hide_secrets(options)`, seen in real code)."""
    text = f"{own} {qualified or ''}".lower()
    return any(part in text for part in _REDACTING)
