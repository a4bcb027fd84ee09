"""Everything but app.ui imports and works with PySide6 unavailable."""

import subprocess
import sys

CORE_MODULES = [
    "app.paths",
    "app.errors",
    "app.starter_model",
    "app.model_library",
    "app.gguf_metadata",
    "app.model_catalog",
    "app.downloads",
    "app.personas",
    "app.cards.formats",
    "app.cards.png_chunks",
    "app.cards.charx",
    "app.cards.files",
    "app.cards.macros",
    "app.cards.examples",
    "app.cards.lorebook",
    "app.cards.byaf",
    "app.topics",
    "app.prompt_builder",
    "app.engine",
    "app.store",
    "app.store.transcripts",
    "app.store.backup",
    "app.store.bench",
    "app.chat",
    "app.rendering",
    "app.cli",
    "app.bench",
    "app.checker",
    "app.cli.check",
]


def test_core_modules_import_with_qt_blocked() -> None:
    code = (
        "import sys\n"
        "sys.modules['PySide6'] = None\n"
        f"for name in {CORE_MODULES!r}:\n"
        "    __import__(name)\n"
        "assert not any(m.startswith('PySide6') for m in sys.modules if sys.modules[m] is not None)\n"
        "print('ok')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
