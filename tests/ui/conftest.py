"""GUI tests run offscreen; a real store in each test's own data dir."""

import os
from collections.abc import Iterator

import pytest

from app.paths import AppPaths
from app.store import Store

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture
def store(paths: AppPaths) -> Iterator[Store]:
    s = Store(paths.database_path)
    yield s
    s.close()
