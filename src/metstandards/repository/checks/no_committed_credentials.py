from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial

from metstandards.repository.check import Evidence, RepositoryCheck, Result
from metstandards.repository.view import Repository

_ASSIGNMENT = re.compile(r"^[ \t]*(?:export[ \t]+)?[A-Za-z_][A-Za-z0-9_]*[ \t]*=[ \t]*\S", re.M)
_PASSWORD = re.compile(r"^[ \t]*password[ \t]*[=:][ \t]*\S", re.M | re.I)
_PRIVATE_KEY = re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")
_AWS_SECRET = re.compile(r"^[ \t]*aws_secret_access_key[ \t]*=", re.M | re.I)
#: ``.env.example`` and the like document the variables and hold no values of their own.
_ENV_TEMPLATES = frozenset({"example", "sample", "template", "dist", "defaults"})
_SSH_KEYS = frozenset({"id_rsa", "id_dsa", "id_ecdsa", "id_ed25519"})


def _has_password(text: str) -> bool:
    return _PASSWORD.search(text) is not None


#: File name -> (what it is, whether its text makes it a credential; None: its name does).
_BY_NAME: dict[str, tuple[str, Callable[[str], bool] | None]] = {
    ".netrc": ("a .netrc with login passwords", None),
    "_netrc": ("a .netrc with login passwords", None),
    ".cdsapirc": ("a Copernicus CDS API key file", None),
    ".ecmwfapirc": ("an ECMWF Web API key file", None),
    ".pypirc": ("a .pypirc with a package index password", _has_password),
    "credentials.json": ("a cloud credentials.json", None),
    **{name: ("an SSH private key", None) for name in _SSH_KEYS},
}


def _kind(path: str, read: Callable[[], str]) -> str | None:
    """What credential the tracked file ``path`` is, reading it only where the name is not
    enough; None when it is none."""
    folders, _, name = path.rpartition("/")
    if name in _BY_NAME:
        what, holds = _BY_NAME[name]
        return what if holds is None or holds(read()) else None
    if name == ".env" or (name.startswith(".env.") and name[5:] not in _ENV_TEMPLATES):
        return "an .env file with variable assignments" if _ASSIGNMENT.search(read()) else None
    if name.endswith((".pem", ".key")):
        return "a private key" if _PRIVATE_KEY.search(read()) else None
    if name == "credentials" and (folders.endswith(".aws") or _AWS_SECRET.search(read())):
        return "an AWS credentials file"
    return None


def _text(repo: Repository, path: str) -> str:
    return repo.text(path) or ""


class NoCommittedCredentials(RepositoryCheck):
    """No credentials file is committed.

    ## What it does
    Looks at the tracked files for credentials files: `.netrc`; the API key files of ECMWF
    and Copernicus, `.cdsapirc` and `.ecmwfapirc`; `.env` (and `.env.local`, `.env.prod`...,
    not `.env.example`, `.env.sample`, `.env.template`) holding a variable assignment;
    `.pypirc` with a password; `credentials.json`; SSH private keys (`id_rsa`, `id_ed25519`...)
    and `*.pem`/`*.key` files holding a `PRIVATE KEY`; AWS `credentials` files. The report
    names each file and what it is, and never shows any of its content. A tracked symlink
    commits only the path it points to: the file there, if tracked, is checked under its own
    name, and one outside the repository was not committed at all.

    ## Why is this bad?
    A CDS or MARS key committed once stays in the history of every clone and fork: anyone can
    spend the service's quota under its name or download licensed data with it. Deleting the
    file does not help; the key has to be revoked.

    ## Example
    ```text
    .cdsapirc      # url: https://cds.climate.copernicus.eu/api  key: <the key>
    ```

    ## Use instead
    Keep `~/.cdsapirc` in the home directory, or pass the key as a CI secret in an
    environment variable (`CDSAPI_KEY`); list `.cdsapirc`, `.env` and `*.pem` in `.gitignore`,
    and commit a `.env.example` naming the variables without values.

    ## Options
    None.
    """

    code = "MS611"
    name = "no-committed-credentials"
    family = "secrets"

    PASSING = (
        {".env.example": "CDSAPI_KEY=\n", ".gitignore": ".env\n.cdsapirc\n"},
        {
            ".pypirc": "[distutils]\nindex-servers = pypi\n",
            "certs/ca.pem": "-----BEGIN CERTIFICATE",
        },
        {".env": "# set CDSAPI_KEY in your shell\n"},
    )
    FAILING = (
        {".cdsapirc": "url: https://cds.climate.copernicus.eu/api\nkey: 00000000-fake\n"},
        {".env": "MARS_TOKEN=fake-token-for-the-example\n"},
        {"deploy/id_ed25519": "-----BEGIN OPENSSH PRIVATE KEY-----\nfake\n"},
        {"config/.pypirc": "[pypi]\nusername = __token__\npassword = pypi-fake\n"},
        {".aws/credentials": "[default]\naws_access_key_id = AKIAFAKE\n"},
        {"tls/server.key": "-----BEGIN RSA PRIVATE KEY-----\nfake\n"},
    )

    def check(self, repo: Repository) -> Result:
        found = []
        for path, entry in repo.files.items():
            if entry.is_symlink:
                continue
            kind = _kind(path, partial(_text, repo, path))
            if kind is not None:
                found.append(Evidence(path, None, kind))
        if found:
            listed = ", ".join(f"{item.path} ({item.detail})" for item in found[:5])
            more = f" and {len(found) - 5} more" if len(found) > 5 else ""
            return self.failed(
                f"{len(found)} credentials file(s) are committed: {listed}{more}",
                *found,
                hint="revoke the credentials now (they stay in the git history), remove the "
                "files from git and list them in .gitignore; pass credentials to CI as secrets",
            )
        return self.passed(f"no credentials file among {len(repo.files)} tracked files")
