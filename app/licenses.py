"""The licenses of what the app ships with, and of the model in use — what the About box shows.

``BUNDLED_COMPONENTS`` lists the third-party software inside an app bundle (packaging/persona-tutor.spec);
their license texts travel in the bundle's ``*.dist-info`` folders. A model's license comes from its GGUF
header (``general.license``), else from the catalog entry for its file name, else from the starter spec.
"""

from __future__ import annotations

import platform
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from app import starter_model
from app.errors import PersonaTutorError
from app.gguf_metadata import read_gguf
from app.model_catalog import load_catalog


@dataclass(frozen=True)
class Component:
    """One piece of bundled third-party software."""

    name: str
    distribution: str | None  # the PyPI distribution whose version is shown; None when it has none
    license: str
    url: str

    def version(self) -> str:
        """The installed version, or "" when the distribution's metadata is not there."""
        if self.name == "Python":
            return platform.python_version()
        if self.distribution is None:
            return ""
        try:
            return metadata.version(self.distribution)
        except metadata.PackageNotFoundError:
            return ""


def _c(name: str, distribution: str | None, license: str, url: str) -> Component:
    return Component(name, distribution, license, url)


# Everything the PyInstaller spec puts in the bundle besides our own code (check the Analysis TOC when adding
# a dependency). Licenses as the distributions declare them.
BUNDLED_COMPONENTS: tuple[Component, ...] = (
    _c("Python", None, "PSF-2.0", "https://docs.python.org/3/license.html"),
    _c("Qt 6", None, "LGPL-3.0-only", "https://doc.qt.io/qt-6/lgpl.html"),
    _c("PySide6 (Qt for Python)", "PySide6-Essentials", "LGPL-3.0-only", "https://pyside.org"),
    _c("shiboken6", "shiboken6", "LGPL-3.0-only", "https://pyside.org"),
    _c("llama.cpp / ggml", None, "MIT", "https://github.com/ggml-org/llama.cpp"),
    _c("llama-cpp-python", "llama_cpp_python", "MIT", "https://github.com/abetlen/llama-cpp-python"),
    _c("SQLAlchemy", "SQLAlchemy", "MIT", "https://www.sqlalchemy.org"),
    _c("SQLite", None, "Public domain", "https://sqlite.org/copyright.html"),
    _c("platformdirs", "platformdirs", "MIT", "https://github.com/tox-dev/platformdirs"),
    _c("markdown-it-py", "markdown-it-py", "MIT", "https://github.com/executablebooks/markdown-it-py"),
    _c("Pygments", "Pygments", "BSD-2-Clause", "https://pygments.org"),
    _c("mdurl", "mdurl", "MIT", "https://github.com/executablebooks/mdurl"),
    _c("huggingface_hub", "huggingface-hub", "Apache-2.0", "https://github.com/huggingface/huggingface_hub"),
    _c("Jinja2", "Jinja2", "BSD-3-Clause", "https://palletsprojects.com/p/jinja/"),
    _c("MarkupSafe", "MarkupSafe", "BSD-3-Clause", "https://palletsprojects.com/p/markupsafe/"),
    _c("NumPy (with OpenBLAS)", "numpy", "BSD-3-Clause AND 0BSD AND MIT AND Zlib AND CC0-1.0", "https://numpy.org"),
    _c("diskcache", "diskcache", "Apache-2.0", "https://grantjenks.com/docs/diskcache/"),
    _c("httpx2 / httpcore2", "httpx2", "BSD-3-Clause", "https://github.com/encode/httpx"),
    _c("h11", "h11", "MIT", "https://github.com/python-hyper/h11"),
    _c("AnyIO", "anyio", "MIT", "https://github.com/agronholm/anyio"),
    _c("idna", "idna", "BSD-3-Clause", "https://github.com/kjd/idna"),
    _c("truststore", "truststore", "MIT", "https://github.com/sethmlarson/truststore"),
    _c("tqdm", "tqdm", "MPL-2.0 AND MIT", "https://github.com/tqdm/tqdm"),
    _c("PyYAML", "PyYAML", "MIT", "https://pyyaml.org"),
    _c("filelock", "filelock", "MIT", "https://github.com/tox-dev/filelock"),
    _c("packaging", "packaging", "Apache-2.0 OR BSD-2-Clause", "https://github.com/pypa/packaging"),
    _c("typing_extensions", "typing_extensions", "PSF-2.0", "https://github.com/python/typing_extensions"),
)


@dataclass(frozen=True)
class ModelLicense:
    """A model's name and license, and where the license was read."""

    name: str
    license: str | None
    source: str  # "model file", "catalog", "starter model" or "unknown"


def model_license(path: Path) -> ModelLicense:
    """What the model at ``path`` is and under which license, without loading its weights."""
    name = path.stem
    try:
        info = read_gguf(path)
    except PersonaTutorError:
        info = None
    if info is not None:
        name = info.name or name
        if info.license:
            return ModelLicense(name, info.license, "model file")
    try:
        entries = load_catalog()
    except PersonaTutorError:
        entries = []
    for entry in entries:
        if entry.file.lower() == path.name.lower():
            return ModelLicense(entry.name, entry.license, "catalog")
    if path.name == starter_model.STARTER.file_name:
        return ModelLicense(starter_model.STARTER.display_name, starter_model.STARTER.license, "starter model")
    return ModelLicense(name, None, "unknown")
