"""Starting the application: ``gdviz`` and ``gdviz SESSION``."""

from __future__ import annotations

import signal
import socket
import sys

EXIT_INTERRUPTED = 130  # Ctrl+C, as a shell reports it


DATA_OPTIONS = ("--data", "--inputs", "--targets", "--one-hot")


def _data_from(argv: list[str]):
    """``gdviz --data FILE --inputs … (--targets … | --one-hot …)``: the data set, read before
    any window opens (a bad file or column: one line, exit 2)."""
    import argparse

    from gdviz.cli import _Parser, add_data_arguments, data_arguments

    parser = _Parser(prog="gdviz", description="Open the window on your own data.")
    parser.add_argument("--data", metavar="FILE", required=True, help="a CSV or TSV file with a header row")
    add_data_arguments(parser)
    args: argparse.Namespace = parser.parse_args(argv)
    return data_arguments(args, parser), args.data


def _window_options(argv: list[str]) -> tuple[str | None, bool, list[str]]:
    """``--preset NAME`` (the window opens on that preset) and ``--lesson`` (with Help → Lesson
    open) taken out of ``argv``; ValueError for a preset gdviz does not know."""
    preset, lesson, rest, _shape = _window_options_and_shape(argv)
    return preset, lesson, rest


def _window_options_and_shape(argv: list[str]) -> tuple[str | None, bool, list[str], tuple[int, int] | None]:
    """:func:`_window_options`, and ``--shape NxM`` (a fresh network of N inputs and M outputs, as
    the Shape fields make it; not with --preset); ValueError for either one malformed."""
    import argparse

    from gdviz.cli import _shape
    from gdviz.core.presets import PRESETS

    rest, preset, lesson, shape = [], None, False, None
    args = iter(argv)
    for arg in args:
        if arg == "--lesson":
            lesson = True
        elif arg == "--preset" or arg.startswith("--preset="):
            preset = arg.partition("=")[2] if "=" in arg else next(args, "")
            if preset not in PRESETS:
                raise ValueError(f"--preset: {preset!r} is not a preset; one of {', '.join(PRESETS)}")
        elif arg == "--shape" or arg.startswith("--shape="):
            try:
                shape = _shape(arg.partition("=")[2] if "=" in arg else next(args, ""))
            except argparse.ArgumentTypeError as exc:
                raise ValueError(f"--shape: {exc}") from None
        else:
            rest.append(arg)
    if preset is not None and shape is not None:
        raise ValueError("--shape: not with --preset (a shape makes a fresh network of its own)")
    return preset, lesson, rest, shape


def run_app(argv: list[str]) -> int:
    imported = None
    if any(arg.split("=")[0] in DATA_OPTIONS for arg in argv):
        try:
            imported, path = _data_from(argv)
        except SystemExit as refused:
            return int(refused.code or 0)
        argv = []
    try:
        preset, lesson, argv, shape = _window_options_and_shape(argv)
    except ValueError as refused:
        print(f"gdviz: {refused}", file=sys.stderr)
        return 2
    if len(argv) > 1 or (argv and argv[0].startswith("-")):
        print(f"gdviz: unknown command {' '.join(argv)!r}; try 'gdviz --help' "
              "(or 'gdviz SESSION' to open a saved session)", file=sys.stderr)
        return 2
    from gdviz.ui.startup import qt_import_problem, window_problem

    problem = window_problem()
    if problem is not None:
        print(problem, file=sys.stderr)
        return 1
    try:
        from PySide6.QtGui import QIcon
        from PySide6.QtWidgets import QApplication
    except ImportError as exc:  # a system library Qt needs (glib, GL …): named, with its package
        print(qt_import_problem(exc), file=sys.stderr)
        return 1

    import gdviz
    from gdviz.ui.resources import resource_path
    from gdviz.ui.startup import library_named_in

    try:
        from gdviz.ui.main_window import MainWindow  # pyqtgraph, Qt's SVG and OpenGL modules
    except ImportError as exc:
        if library_named_in(str(exc)) is None:
            raise  # not a missing system library: a fault of gdviz's own, with its traceback
        print(qt_import_problem(exc), file=sys.stderr)
        return 1

    app = QApplication.instance()
    if not isinstance(app, QApplication):  # (a test may have made one already)
        app = QApplication([sys.argv[0]])
    app.setOrganizationName("gdviz")
    app.setApplicationName("gdviz")
    app.setApplicationVersion(gdviz.__version__)
    app.setWindowIcon(QIcon(str(resource_path("gdviz.svg"))))
    window = MainWindow(preset)
    stop = close_on_signals(app, window)
    window.show()
    if argv:  # a session file: a malformed one is explained and the default session stays
        window.files.open_session(argv[0])
    if shape is not None:
        window.controller.load_shape(*shape)
    if imported is not None:
        import os

        window.controller.load_data(imported.data, os.path.basename(path))
    window.raise_()
    window.activateWindow()  # take keyboard focus (a bare X server has no window manager to give it)
    if lesson:  # after the window is up: on a narrow screen the lesson floats over it
        window.open_lesson()
    code = app.exec()
    stop()
    return code


def close_on_signals(app, window):
    """Ctrl+C (SIGINT) and SIGTERM close the window without a question — threads stopped, a file
    being written cancelled and removed, unsaved work not asked about — then the application exits
    (130 after Ctrl+C, 0 after SIGTERM). Returns a function that puts the previous handlers back.

    Python runs a signal handler only when the interpreter next runs, and Qt's event loop may
    sleep in C++ for ever: so the C handler also writes to a socket that Qt watches, which wakes
    the loop and lets the handler run."""
    from PySide6.QtCore import QSocketNotifier

    wake, woken = socket.socketpair()
    for end in (wake, woken):
        end.setblocking(False)
    previous_fd = signal.set_wakeup_fd(wake.fileno())
    notifier = QSocketNotifier(woken.fileno(), QSocketNotifier.Type.Read, app)
    notifier.activated.connect(lambda *_: _drain(woken))

    def handler(number, _frame):
        # the exit code is the signal's: closing the last window must not quit with 0 on its own
        # (it would, after this exit, when the signal came while a question box was open)
        app.setQuitOnLastWindowClosed(False)
        window.files.close_at_once()  # no question, and a file being written is cancelled
        window.close()
        app.exit(EXIT_INTERRUPTED if number == signal.SIGINT else 0)

    previous = {number: signal.signal(number, handler) for number in (signal.SIGINT, signal.SIGTERM)}

    def restore() -> None:
        for number, old in previous.items():
            signal.signal(number, old)
        signal.set_wakeup_fd(previous_fd)
        notifier.setEnabled(False)
        wake.close()
        woken.close()

    return restore


def _drain(sock: socket.socket) -> None:
    try:
        while sock.recv(64):
            pass
    except BlockingIOError:
        pass
