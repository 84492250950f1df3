"""Test setup: every Qt test runs offscreen, whoever runs pytest and wherever; no test may leave a
thread running; helpers that wait on the controller's state, never on the clock."""

import csv
import io
import json
import os
import sys
import tempfile
import threading
from pathlib import Path

# Before anything imports Qt: no display, and a 1400 × 900 screen at 96 dpi (the offscreen
# platform's own is 800 × 600, smaller than the window's smallest size).
SCREEN = {"screens": [{"name": "test screen", "x": 0, "y": 0, "width": 1400, "height": 900,
                       "logicalDpiX": 96, "logicalDpiY": 96, "dpr": 1}]}
_screen_file = Path(tempfile.mkdtemp(prefix="gdviz-tests-")) / "screen.json"
_screen_file.write_text(json.dumps(SCREEN))
os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={_screen_file}"
os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")

# The tests test the installed gdviz (pip install ".[test]"), not the checkout they sit in: the
# checkout's folder comes off the import path (python -m pytest puts the current folder first).
CHECKOUT = Path(__file__).resolve().parents[1]
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != CHECKOUT]

import pytest  # noqa: E402

import gdviz  # noqa: E402

if os.environ.get("GDVIZ_TEST_INSTALLED") and Path(gdviz.__file__).resolve().parent == CHECKOUT / "gdviz":
    raise RuntimeError(f"the tests were to run against the installed gdviz, not {gdviz.__file__}")


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path, monkeypatch):
    """Each test gets empty QSettings in its own folder (never the user's)."""
    try:
        from PySide6.QtCore import QCoreApplication, QSettings
    except ImportError:  # the core tests run without Qt installed too
        yield
        return
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    QCoreApplication.setOrganizationName("gdviz-tests")
    QCoreApplication.setApplicationName("gdviz-tests")
    yield


@pytest.fixture(autouse=True)
def close_answers(monkeypatch):
    """Closing a window with unsaved work asks Save / Discard / Cancel in a modal box, which would
    block a test for ever: here every such question is answered Discard, unless the test puts its
    own answers in this list first (QMessageBox.StandardButton values). ``close_answers.asked``
    lists what each question said would be lost."""
    answers = _Answers()
    try:
        from PySide6.QtWidgets import QMessageBox

        from gdviz.ui import file_actions
    except ImportError:  # the core tests run without Qt installed too
        yield answers
        return

    def ask(_parent, what):
        answers.asked.append(what)
        return answers.pop(0) if answers else QMessageBox.StandardButton.Discard

    monkeypatch.setattr(file_actions, "ask_to_save", ask)
    yield answers


class _Answers(list):
    """Answers to give, in order; ``asked``: what each question said would be lost."""

    def __init__(self):
        super().__init__()
        self.asked: list[str] = []


@pytest.fixture(autouse=True)
def no_thread_left_running(monkeypatch):
    """Fail a test that leaves a QThread or a non-daemon Python thread running after it ends."""
    started = []
    try:
        from PySide6.QtCore import QThread
    except ImportError:
        QThread = None  # noqa: N806
    if QThread is not None:
        real_start = QThread.start

        def start(self, *args):
            started.append(self)
            return real_start(self, *args)

        monkeypatch.setattr(QThread, "start", start)
    before = set(threading.enumerate())
    yield
    from gdviz.core import compiled

    compiled.wait_for_loader(60)  # a load started by the test is the test's to end: let it end
    running = [thread for thread in started if _is_running(thread)]
    leaked = [t for t in threading.enumerate() if t not in before and t.is_alive() and not t.daemon]
    assert not running, f"QThreads left running: {running}"
    assert not leaked, f"threads left running: {leaked}"


def _is_running(thread) -> bool:
    try:
        return thread.isRunning()
    except RuntimeError:  # its C++ object is gone: it ended
        return False


@pytest.fixture
def window(qtbot):
    """The main window on the default preset, closed (threads stopped) after the test."""
    from gdviz.ui.main_window import MainWindow

    win = MainWindow()
    win.show()
    qtbot.waitExposed(win)
    yield win
    close(win)


@pytest.fixture
def make_window(qtbot):
    """Windows made by the test (``make_window()``), closed after it even if it fails."""
    from gdviz.ui.main_window import MainWindow

    made = []

    def make(preset=None):
        win = MainWindow(preset)
        made.append(win)
        win.show()
        qtbot.waitExposed(win)
        return win

    yield make
    for win in made:
        close(win)


def close(win):
    """Close a window (it deletes itself: WA_DeleteOnClose), unless the test did; no_thread_left_running
    then checks that its threads have ended."""
    import shiboken6
    from PySide6.QtCore import QCoreApplication, QEvent

    if shiboken6.isValid(win):
        files = getattr(win, "files", None)
        if files is not None:
            files.close_at_once()  # after the test: no question, and a file still being written cancelled
        win.close()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def sync(qtbot, win, timeout=20000):
    """Wait until the trainer has applied every command sent so far and its reports are in."""
    controller = getattr(win, "controller", win)
    with qtbot.waitSignal(controller.synced, timeout=timeout) as blocker:
        token = controller.sync()
    assert blocker.args == [token]
    shown(qtbot)


def shown(qtbot):
    """Until the windows have drawn what they were told (a window redraws once control is back in
    the event loop, after everything a change announces; a new network in two turns)."""
    import shiboken6
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QApplication

    from gdviz.ui.main_window import MainWindow

    QCoreApplication.processEvents()
    windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
    qtbot.waitUntil(lambda: not any(shiboken6.isValid(w) and w.redraw_pending for w in windows))
    QCoreApplication.processEvents()  # what the redraw asked for in turn (a new layout: a view's new size)


def wait_for_iterations(qtbot, win, count, timeout=30000):
    qtbot.waitUntil(lambda: win.controller.log.count >= count, timeout=timeout)


def wait_until_stopped(qtbot, win, timeout=60000):
    """Until the trainer reports it is no longer playing, and every report is in."""
    qtbot.waitUntil(lambda: not win.controller.state.playing, timeout=timeout)
    sync(qtbot, win)


def wait_for_files(qtbot, win, timeout=60000):
    qtbot.waitUntil(lambda: not win.files.busy, timeout=timeout)


def run(qtbot, win, count, timeout=120000):
    """Run N from the controls, as a user does, and wait for its end."""
    win.controls.run_field.setValue(count)
    win.run_n()
    sync(qtbot, win)  # the Run is under way (or refused): now wait for its end
    wait_until_stopped(qtbot, win, timeout=timeout)


def set_alpha(win, text):
    """Type ``text`` into the alpha field and leave it (Return or Tab)."""
    win.controls.alpha_edit.setText(text)
    win.controls.alpha_edit.editingFinished.emit()


def same_bits(a, b) -> bool:
    """Bit for bit: the same dtype, shape and bytes. ``==`` and ``np.array_equal`` take -0.0 for
    0.0, which a CSV, a session file and the arithmetic panel tell apart."""
    import numpy as np

    a, b = np.asarray(a), np.asarray(b)
    return (a.dtype, a.shape) == (b.dtype, b.shape) and \
        np.ascontiguousarray(a).tobytes() == np.ascontiguousarray(b).tobytes()


def same_log(a, b) -> bool:
    """Two logs (of any kind: an IterationLog, a KeyframedLog, one read from a file) with the same
    numbering and every field bit for bit."""
    from gdviz.core.log import FIELDS

    numbering = (a.n_inputs, a.n_outputs, a.count, a.first_iteration)
    return (numbering == (b.n_inputs, b.n_outputs, b.count, b.first_iteration)
            and all(same_bits(a.field(name), b.field(name)) for name in FIELDS))


def csv_rows(path):
    """An exported CSV's rows as dicts (the trailing '#' comment lines left out)."""
    return list(csv.DictReader(io.StringIO(path.read_text().split("\n#")[0])))


@pytest.fixture
def dialogs(monkeypatch):
    """Message boxes recorded as (kind, text) instead of shown (a modal box would block a test)."""
    from PySide6.QtWidgets import QMessageBox

    shown = []
    for name in ("warning", "critical", "information"):
        monkeypatch.setattr(QMessageBox, name, lambda *args, _n=name, **kwargs: shown.append((_n, args[2])))
    return shown
