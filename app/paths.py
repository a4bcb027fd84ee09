"""Where Persona Tutor keeps its files.

Everything lives under one root so that tests and scripts can isolate a whole installation with
``--data-dir DIR`` or ``PERSONA_TUTOR_HOME``; otherwise platformdirs picks the platform's usual places.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from app.platform import bundle_root

APP_NAME = "persona-tutor"
HOME_ENV = "PERSONA_TUTOR_HOME"


@dataclass(frozen=True)
class AppPaths:
    """The data, config and cache directories of one installation."""

    data_dir: Path
    config_dir: Path
    cache_dir: Path

    @classmethod
    def resolve(cls, data_dir: str | os.PathLike[str] | None = None) -> AppPaths:
        """Use ``data_dir``, else ``$PERSONA_TUTOR_HOME``, else the platform's user directories."""
        root = data_dir or os.environ.get(HOME_ENV)
        if root:
            base = Path(root).expanduser().resolve()
            return cls(data_dir=base, config_dir=base / "config", cache_dir=base / "cache")
        return cls(
            data_dir=Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)),
            config_dir=Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)),
            cache_dir=Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False)),
        )

    @property
    def models_dir(self) -> Path:
        return self.data_dir / "models"

    @property
    def database_path(self) -> Path:
        return self.data_dir / "persona-tutor.db"

    @property
    def user_personas_dir(self) -> Path:
        return self.data_dir / "personas"

    @property
    def topics_dir(self) -> Path:
        """The learner's own topic packs (Markdown or JSON) for the accuracy badge."""
        return self.data_dir / "topics"

    @property
    def kv_cache_dir(self) -> Path:
        return self.cache_dir / "kv-states"

    @property
    def log_dir(self) -> Path:
        return self.data_dir / "logs"

    def ensure(self) -> AppPaths:
        """Create the directories (idempotent) and return self."""
        for path in (self.data_dir, self.config_dir, self.cache_dir, self.models_dir, self.log_dir):
            path.mkdir(parents=True, exist_ok=True)
        return self


def bundled_dir(name: str) -> Path:
    """A top-level data folder (``personas``, ``assets``) in an app bundle, an installed wheel or a checkout.

    A PyInstaller bundle (packaging/persona-tutor.spec) puts them at the top of its unpacked folder.
    """
    root = bundle_root()
    if root is not None and (root / name).is_dir():
        return root / name
    package_dir = Path(__file__).resolve().parent
    in_wheel = package_dir / "_bundled" / name
    return in_wheel if in_wheel.is_dir() else package_dir.parent / name
