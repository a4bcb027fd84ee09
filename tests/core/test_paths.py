from pathlib import Path

import pytest

from app.paths import HOME_ENV, AppPaths, bundled_dir


def test_explicit_data_dir_wins_over_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(HOME_ENV, str(tmp_path / "env"))
    paths = AppPaths.resolve(tmp_path / "flag")
    assert paths.data_dir == tmp_path / "flag"
    assert paths.models_dir == tmp_path / "flag" / "models"
    assert paths.database_path.parent == tmp_path / "flag"


def test_environment_variable_isolates_everything(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(HOME_ENV, str(tmp_path))
    paths = AppPaths.resolve().ensure()
    for folder in (paths.data_dir, paths.config_dir, paths.cache_dir, paths.models_dir, paths.log_dir):
        assert folder.is_dir()
        assert folder.is_relative_to(tmp_path)


def test_platform_directories_without_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(HOME_ENV, raising=False)
    paths = AppPaths.resolve()
    assert "persona-tutor" in str(paths.data_dir)
    assert "persona-tutor" in str(paths.cache_dir)


def test_builtin_personas_are_found() -> None:
    assert (bundled_dir("personas") / "xiaomiao.json").is_file()
