"""Starting and stopping the app: a machine that cannot show a window gets one line and exit
status 1 (never Qt's abort and a core dump); Ctrl+C and SIGTERM close the window cleanly."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from gdviz.ui import startup


def gdviz(*args, env=None):
    return subprocess.run([sys.executable, "-m", "gdviz", *args], capture_output=True, text=True, env=env,
                          timeout=120)


def without(*names):
    return {k: v for k, v in os.environ.items() if k not in names}


def free_display() -> str:
    """An X display name no server uses here: no socket file, no lock file, no abstract socket (a
    server in another container shows only that one), and nothing answers. Never a number taken to
    be free: an X server on :77 made these tests wait 120 s and fail."""
    abstract = Path("/proc/net/unix").read_text() if Path("/proc/net/unix").exists() else ""
    for number in range(77, 1000):
        socket_name = f"/tmp/.X11-unix/X{number}"
        if (Path(socket_name).exists() or Path(f"/tmp/.X{number}-lock").exists()
                or f"@{socket_name}" in abstract or startup.display_answers(f":{number}")):
            continue
        return f":{number}"
    pytest.skip("no free X display number from 77 to 999")


@pytest.fixture
def nowhere():
    return free_display()


def test_no_display_is_named_in_one_line_with_exit_status_1():
    result = gdviz(env=without("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"))
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "no display" in result.stderr and "gdviz train" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_display_that_does_not_answer_is_named(nowhere):
    result = gdviz(env={**without("WAYLAND_DISPLAY", "QT_QPA_PLATFORM"), "DISPLAY": nowhere})
    assert result.returncode == 1 and result.stderr.count("\n") == 1
    missing = startup.missing_library()
    if missing is None:  # the README's packages are installed (CI installs them): the display is named
        assert f"'{nowhere}'" in result.stderr and "does not answer" in result.stderr
    else:  # they are not: the missing library is named first
        assert missing in result.stderr


def test_a_plugin_that_cannot_load_names_the_library_and_the_package(monkeypatch):
    """As on a fresh Debian 12 without libxcb-cursor0 (simulated: the plugin fails to load as
    the dynamic loader says so)."""
    def load(path, mode=0):
        raise OSError("libxcb-cursor.so.0: cannot open shared object file: No such file or directory")

    monkeypatch.setattr(startup.ctypes, "CDLL", load)
    monkeypatch.setattr(startup, "xcb_plugin", lambda: startup.Path("/somewhere/libqxcb.so"))
    message = startup.window_problem({"DISPLAY": "/nonexistent/gdviz-test-socket:0"}, "linux")  # never connected to
    assert message == ("gdviz: Qt's X11 plugin cannot load: libxcb-cursor.so.0 is missing; install it with "
                       "'sudo apt install libxcb-cursor0' (Debian, Ubuntu) or 'sudo dnf install xcb-util-cursor' "
                       "(Fedora).")


def test_the_real_plugin_is_checked_and_offscreen_needs_no_display(nowhere):
    missing = startup.missing_library()  # None where the README's packages are installed
    message = startup.window_problem({"DISPLAY": nowhere}, "linux")
    assert message is not None and (missing is None or missing in message)
    assert startup.window_problem({"QT_QPA_PLATFORM": "offscreen"}, "linux") is None
    assert startup.window_problem({}, "darwin") is None
    assert startup.window_problem({"WAYLAND_DISPLAY": "wayland-0"}, "linux") is None


@pytest.mark.parametrize("name, library", [
    ("libxcb-icccm.so.4: cannot open shared object file: No such file or directory", "libxcb-icccm.so.4"),
    ("/usr/lib/x.so: undefined symbol: foo", None),
])
def test_the_missing_library_is_read_from_the_loaders_message(name, library):
    assert startup.library_named_in(name) == library


SIGNALLED = textwrap.dedent("""
    import os, signal, sys
    from PySide6.QtCore import QSettings, QTimer
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, sys.argv[1])
    from gdviz.ui import app, main_window
    from PySide6.QtWidgets import QFileDialog
    export_to = os.path.join(sys.argv[1], "log.csv")
    QFileDialog.getSaveFileName = staticmethod(lambda *a, **k: (export_to, ""))
    signal_number = getattr(signal, sys.argv[2])
    real_show = main_window.MainWindow.show

    def show(window):
        real_show(window)
        if sys.argv[3] == "export":  # train, then start a long export, then the signal meanwhile
            window.controller.run(300_000)
            def check():
                controller = window.controller
                if controller.log.count == 300_000 and not controller.state.playing and not window.files.busy:
                    window.files.export_log()
                elif window.files.busy:
                    timer.stop()
                    os.kill(os.getpid(), signal_number)
            timer = QTimer(window)
            timer.timeout.connect(check)
            timer.start(20)
        elif sys.argv[3] == "asking":  # unsaved work, the real Save / Discard / Cancel box, the signal meanwhile
            from gdviz.ui import file_actions
            real_ask = file_actions.ask_to_save

            def ask(parent, what):
                QTimer.singleShot(0, lambda: os.kill(os.getpid(), signal_number))  # once the box is up
                return real_ask(parent, what)

            file_actions.ask_to_save = ask
            window.step()
            QTimer.singleShot(0, window.close)
        else:
            window.controls.speed_slider.setValue(window.controls.speed_slider.maximum())
            window.toggle_play()
            QTimer.singleShot(0, lambda: os.kill(os.getpid(), signal_number))

    main_window.MainWindow.show = show
    sys.exit(app.run_app([]))
""")


@pytest.mark.parametrize("name, code", [("SIGINT", 130), ("SIGTERM", 0)])
def test_ctrl_c_and_sigterm_close_the_window_and_stop_every_thread(tmp_path, name, code):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run([sys.executable, "-c", SIGNALLED, str(tmp_path), name, "play"], capture_output=True,
                            text=True, timeout=120, env=env)
    assert result.returncode == code, result.stderr
    # the offscreen platform's own notes aside ("This plugin does not support raise()"), nothing:
    # no traceback, no "QThread: Destroyed while thread is still running"
    lines = [line for line in result.stderr.splitlines() if not line.startswith("This plugin does not support")]
    assert lines == []


@pytest.mark.parametrize("name, code", [("SIGINT", 130), ("SIGTERM", 0)])
def test_a_signal_while_the_close_question_is_open_still_closes(tmp_path, name, code):
    """Ctrl+C or SIGTERM while 'Save this session before closing?' is up: the window closes at once,
    every thread stopped. Checked to fail without may_close looking at close_at_once after the
    question (Qt ignores the handler's close() of a window already closing: exit 134, 'QThread:
    Destroyed while thread is still running')."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run([sys.executable, "-c", SIGNALLED, str(tmp_path), name, "asking"], capture_output=True,
                            text=True, timeout=120, env=env)
    assert result.returncode == code, result.stderr
    lines = [line for line in result.stderr.splitlines() if not line.startswith("This plugin does not support")]
    assert lines == []


def test_a_signal_during_an_export_leaves_no_file(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run([sys.executable, "-c", SIGNALLED, str(tmp_path), "SIGTERM", "export"],
                            capture_output=True, text=True, timeout=300, env=env)
    assert result.returncode == 0, result.stderr
    assert [name for name in os.listdir(tmp_path) if name.endswith((".csv", ".part"))] == []


@pytest.mark.parametrize("library, debian, fedora", [
    ("libglib-2.0.so.0", "libglib2.0-0", "glib2"),
    ("libGL.so.1", "libgl1", "mesa-libGL"),
    ("libEGL.so.1", "libegl1", "libglvnd-egl"),
    ("libfontconfig.so.1", "libfontconfig1", "fontconfig"),
    ("libdbus-1.so.3", "libdbus-1-3", "dbus-libs"),
    ("libxkbcommon.so.0", "libxkbcommon0", "libxkbcommon"),
])
def test_every_library_qt_may_miss_is_named_with_its_package(monkeypatch, library, debian, fedora):
    """What a minimal Debian 12 lacks, one library at a time: the plugin check and a failing import
    of Qt itself (offscreen too) both name the package. Checked to fail without the glib entry (the
    message then said only 'install the package that provides it')."""
    def load(path, mode=0):
        raise OSError(f"{library}: cannot open shared object file: No such file or directory")

    monkeypatch.setattr(startup.ctypes, "CDLL", load)
    monkeypatch.setattr(startup, "xcb_plugin", lambda: startup.Path("/somewhere/libqxcb.so"))
    message = startup.window_problem({"DISPLAY": "/nonexistent/gdviz-test-socket:0"}, "linux")  # never connected to
    assert f"{library} is missing" in message
    assert f"'sudo apt install {debian}'" in message and f"'sudo dnf install {fedora}'" in message
    imported = startup.qt_import_problem(ImportError(f"{library}: cannot open shared object file: No such file"))
    assert imported == (f"gdviz: Qt cannot load: {library} is missing; install it with 'sudo apt install {debian}' "
                        f"(Debian, Ubuntu) or 'sudo dnf install {fedora}' (Fedora).")


def test_the_readme_and_ci_install_the_same_packages_and_name_every_library_qt_needs():
    """The README's Debian list for the window is .ci/run's list, holds the tests' list, and holds the
    package of every library that Qt's own libraries load (glib, GL, EGL, fontconfig, D-Bus, xkbcommon),
    which a minimal Debian 12 lacks. Checked to fail with libglib2.0-0 left out of the README."""
    import re

    root = Path(__file__).resolve().parents[1]
    readme = root / "README.md"
    ci = root / ".ci" / "run"
    if not readme.exists() or not ci.exists():
        pytest.skip("run from a checkout (the README and .ci/run are not installed)")
    text = " ".join(readme.read_text().split())
    window = set(re.search(r"For the window, Debian 12, Ubuntu: `sudo apt install ([^`]+)`", text).group(1).split())
    tests = set(re.search(r"For the tests only .*?Debian, Ubuntu `sudo apt install ([^`]+)`", text).group(1).split())
    in_ci = set(re.search(r'packages="([^"]+)"', ci.read_text()).group(1).split())
    assert window == in_ci and tests <= window
    qt_needs = {"libglib-2.0.so.0", "libGL.so.1", "libEGL.so.1", "libfontconfig.so.1", "libdbus-1.so.3",
                "libxkbcommon.so.0"}
    assert {startup.PACKAGES[library][0] for library in qt_needs} <= tests


def test_a_library_missing_for_the_window_s_own_modules_is_one_line(monkeypatch, capsys):
    """pyqtgraph or Qt's OpenGL module failing to load a system library (here libEGL, simulated) ends
    in one line naming the package and exit status 1; an ImportError of gdviz's own keeps its traceback."""
    import importlib.abc

    from gdviz.ui import app

    class Failing(importlib.abc.MetaPathFinder):
        def __init__(self, message):
            self.message = message

        def find_spec(self, name, path=None, target=None):
            if name == "gdviz.ui.main_window":
                raise ImportError(self.message)
            return None

    monkeypatch.delitem(sys.modules, "gdviz.ui.main_window", raising=False)
    monkeypatch.setattr(sys, "meta_path", [Failing("libEGL.so.1: cannot open shared object file"), *sys.meta_path])
    assert app.run_app([]) == 1
    assert capsys.readouterr().err == ("gdviz: Qt cannot load: libEGL.so.1 is missing; install it with 'sudo apt "
                                       "install libegl1' (Debian, Ubuntu) or 'sudo dnf install libglvnd-egl' "
                                       "(Fedora).\n")
    sys.meta_path[0] = Failing("cannot import name 'Oops' from 'gdviz.ui.widgets'")
    with pytest.raises(ImportError, match="Oops"):
        app.run_app([])
