"""Test setup: every Qt test runs offscreen, whoever runs pytest and wherever."""

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"  # before anything imports Qt
os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path, monkeypatch):
    """Each test gets empty QSettings in its own folder (never the user's)."""
    try:
        from PySide6.QtCore import QCoreApplication, QSettings
    except ImportError:  # the core tests run without Qt installed too
        yield
        return
    QSettings.setDefaultFormat(QSettings.IniFormat)
    QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, str(tmp_path / "settings"))
    QCoreApplication.setOrganizationName("gdviz-tests")
    QCoreApplication.setApplicationName("gdviz-tests")
    yield


@pytest.fixture
def window(qtbot):
    """The main window on the default preset, closed (trainer stopped) after the test."""
    from gdviz.ui import MainWindow

    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    yield win
    win.close()
    assert win.trainer is None


def wait_for_iterations(qtbot, win, count, timeout=10000):
    qtbot.waitUntil(lambda: win.log.count >= count, timeout=timeout)


@pytest.fixture
def dialogs(monkeypatch):
    """Message boxes recorded as (kind, text) instead of shown (a modal box would block a test)."""
    from PySide6.QtWidgets import QMessageBox

    shown = []
    for name in ("warning", "critical", "information"):
        monkeypatch.setattr(QMessageBox, name, lambda *args, _n=name: shown.append((_n, args[2])))
    return shown
