"""Everything but app.ui imports and works with PySide6 unavailable."""

import pkgutil
import subprocess
import sys

import app

CORE_MODULES = sorted(
    info.name
    for info in pkgutil.walk_packages(app.__path__, "app.")
    if not info.name.startswith("app.ui") and info.name != "app.__main__"
)


def test_the_core_is_every_module_but_the_gui() -> None:
    assert {"app.engine", "app.store", "app.chat", "app.checker", "app.cli", "app.kv_state_cache"} <= set(CORE_MODULES)


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
