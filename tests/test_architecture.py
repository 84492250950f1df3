"""The layers stay apart: gdviz.core never imports Qt, pyqtgraph or the window."""

import ast
import pkgutil
import subprocess
import sys
from pathlib import Path

import gdviz.core

FORBIDDEN = ("PySide6", "pyqtgraph", "shiboken6", "gdviz.ui")


def core_modules() -> list[str]:
    return [f"gdviz.core.{info.name}" for info in pkgutil.iter_modules(gdviz.core.__path__)]


def test_no_module_of_the_core_names_qt_or_the_window():
    modules = core_modules()
    assert len(modules) >= 12  # the loop below reads the core's files, not an empty list
    for name in modules:
        path = Path(gdviz.core.__file__).parent / f"{name.rsplit('.', 1)[1]}.py"
        for node in ast.walk(ast.parse(path.read_text())):
            names = ([alias.name for alias in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            for imported in names:
                assert not imported.startswith(FORBIDDEN), f"{name} imports {imported}"


def test_importing_every_core_module_loads_no_qt():
    modules = core_modules()
    assert len(modules) >= 12
    code = ("import importlib, sys\n"
            f"for name in {modules!r}:\n    importlib.import_module(name)\n"
            f"bad = [m for m in sys.modules if m.startswith({FORBIDDEN!r})]\n"
            "assert not bad, bad\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


def test_the_command_line_never_imports_qt():
    code = ("import sys; from gdviz.cli import main; main(['train','--iterations','5']); main(['presets']); "
            "assert not any(m.startswith(('PySide6','pyqtgraph')) for m in sys.modules), 'Qt imported'")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
