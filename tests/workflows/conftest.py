from __future__ import annotations

from pathlib import Path

import pytest

from ._files import write_rendered_callers


@pytest.fixture(scope="session")
def rendered_callers(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return write_rendered_callers(tmp_path_factory.mktemp("consumer"))
