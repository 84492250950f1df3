"""File → Export, Save session, Save without the log, Open session: the dialogs, then the work on
a background job (:mod:`gdviz.ui.jobs`), then a word in the status bar or a message box.

Also what closing the window must not lose: a session with training or edits not yet saved
(:meth:`FileActions.may_close` asks Save / Discard / Cancel), and a file still being written
(the window waits for it, showing its progress, then closes).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from PySide6.QtCore import QEventLoop, QObject, QSettings, QTimer, Signal, Slot
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from gdviz.core.csv_log import write_csv
from gdviz.core.dataset import DataSet
from gdviz.core.files import describe_error
from gdviz.core.session import Session, SessionError, load_session, save_session
from gdviz.core.state import SessionState
from gdviz.ui import moment_view, recent
from gdviz.ui.controller import SessionController, log_capacity
from gdviz.ui.jobs import JobRunner

SESSION_FILTER = "gdviz sessions (*.gdviz);;Sessions of gdviz 0.1 (*.json);;All files (*)"


def _write_error(path: str):
    def describe(exc: BaseException) -> str:
        if isinstance(exc, OSError):
            return f"{describe_error(exc, path)}\nNothing was written."
        return f"Could not write {path}: {exc}.\nNothing was written."

    return describe


NOT_THE_SESSION = frozenset({"playing", "speed", "run_total", "run_remaining", "history"})
"""State fields that are not work to lose: how the window animates, and the settings' history
(an edit undone by hand leaves a longer history, and the same session)."""

SETTLE_MS = 2000
"""How long closing waits at most for the trainer to answer a pause (it answers within a batch)."""


def _equal(a: object, b: object) -> bool:
    if isinstance(a, np.ndarray) and isinstance(b, np.ndarray):
        return a.shape == b.shape and a.dtype == b.dtype and a.tobytes() == b.tobytes()
    if isinstance(a, DataSet) and isinstance(b, DataSet):
        return (a.input_names, a.output_names) == (b.input_names, b.output_names) and \
            _equal(a.inputs, b.inputs) and _equal(a.targets, b.targets)
    return bool(a == b)


class Records(Protocol):
    """What the mark reads of a log (the window's log, whatever it keeps of each iteration)."""

    count: int
    note: str | None


@dataclass(frozen=True, eq=False)
class SavedMark:
    """The session as last saved or opened (or as the window started): the state, and the log
    (the object itself, which Reset, a preset, a branch or an undo replace) with its length."""

    state: SessionState
    log: Records
    count: int
    note: str | None
    since: str  # for the question: "it was saved", "it was opened", "the window opened"

    @classmethod
    def of(cls, state: SessionState, log: Records, since: str) -> SavedMark:
        return cls(state, log, log.count, log.note, since)

    def matches(self, state: SessionState, log: Records) -> bool:
        return (log is self.log and log.count == self.count and log.note == self.note
                and all(_equal(getattr(state, f.name), getattr(self.state, f.name))
                        for f in dataclasses.fields(state) if f.name not in NOT_THE_SESSION))


def ask_to_save(parent: QWidget, what: str) -> QMessageBox.StandardButton:
    """Save / Discard / Cancel, before closing with unsaved work (tests replace this function)."""
    box = QMessageBox(QMessageBox.Icon.Warning, "Close gdviz", "Save this session before closing?",
                      QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                      | QMessageBox.StandardButton.Cancel, parent)
    box.setInformativeText(f"{what} will be lost if you don't save.")
    box.setDefaultButton(QMessageBox.StandardButton.Save)
    box.setEscapeButton(QMessageBox.StandardButton.Cancel)
    return QMessageBox.StandardButton(box.exec())


def _read_error(path: str):
    def describe(exc: BaseException) -> str:
        if isinstance(exc, OSError):
            reason = exc.strerror or str(exc)
        else:
            reason = str(exc)
        return f"{path} cannot be opened: {reason.rstrip('.')}.\nThe current session is unchanged."

    return describe


def _iterations(count: int) -> str:
    return f"{count:,} iteration" + ("" if count == 1 else "s")


class FileActions(QObject):
    """What the File menu does. :attr:`finished` (ok, message) after each piece of work."""

    finished = Signal(bool, str)
    message = Signal(str)

    def __init__(self, window: QWidget, controller: SessionController, settings: QSettings):
        super().__init__(window)
        self.window, self.controller, self.settings = window, controller, settings
        self.jobs = JobRunner(window)
        self.saved: SavedMark | None = None  # None until the first session is installed
        self._close_when_done = False  # the window closes once the file being written is complete
        self._closing_at_once = False  # Ctrl+C or SIGTERM: no question
        controller.log_replaced.connect(self._first_session)
        self.finished.connect(self._after_work)

    @property
    def busy(self) -> bool:
        return self.jobs.busy

    def _folder(self, key: str) -> str:
        return str(self.settings.value(f"{key}/folder", str(Path.home())))

    def _refuse_while_busy(self) -> bool:
        if self.jobs.busy:
            self.message.emit("Another file is being written or read: wait for it, or cancel it.")
            return True
        return False

    # -- export --------------------------------------------------------------------------------------
    def export_log(self) -> None:
        """Ask for a file and write the iteration log there as CSV, on a background job."""
        controller = self.controller
        state = controller.state
        if state is None or self._refuse_while_busy():
            return
        if controller.log.count == 0:
            QMessageBox.information(self.window, "Export iteration log", "There is nothing to export yet: train first.")
            return
        name = f"{state.preset or 'custom'}-{controller.log.last_iteration}-iterations.csv"
        suggested = str(Path(self._folder("export")) / name)
        path, _ = QFileDialog.getSaveFileName(self.window, "Export iteration log", suggested,
                                              "CSV files (*.csv);;All files (*)")
        if not path:
            return
        self.settings.setValue("export/folder", str(Path(path).parent))
        records = controller.log.shared()  # no copy: training may go on, it only appends (Reset: a new log)
        names = (state.data.input_names, state.data.output_names)

        def work(progress):
            def rows_written(rows: int) -> bool:
                return progress(rows, max(records.count, 1))

            # the CSV writer reads any log a block at a time (a keyframed one rebuilds each block)
            write_csv(path, records, *names, progress=rows_written)
            return records.count

        self.jobs.start("Export iteration log", f"Writing {records.count:,} iterations to {Path(path).name}…",
                        work, _write_error(path),
                        self.export_done(lambda count: f"Exported {count:,} iterations to {path}"))

    # -- sessions ------------------------------------------------------------------------------------
    def save_session(self, include_log: bool = True) -> bool:
        """Ask for a file and save the session there, on a background job; False if nothing was
        started (the file dialog cancelled, or another file still being written or read)."""
        controller = self.controller
        state = controller.state
        if state is None or self._refuse_while_busy():
            return False
        suffix = "" if include_log else "-settings"
        suggested = str(Path(self._folder("session")) / f"{state.preset or 'custom'}{suffix}.gdviz")
        title = "Save session" if include_log else "Save session without the log"
        path, _ = QFileDialog.getSaveFileName(self.window, title, suggested, SESSION_FILTER)
        if not path:
            return False
        if not Path(path).suffix:
            path += ".gdviz"
        self.settings.setValue("session/folder", str(Path(path).parent))
        state = controller.state or state  # as it is now: training may have gone on during the dialog
        session = Session(state.replace(playing=False, run_total=0, run_remaining=0), controller.log.shared(),
                          controller.shown, view=moment_view.capture(self.window))  # type: ignore[arg-type]
        # what is saved (training may go on while the file is written). Saved without its log
        # too: the learner chose to keep the settings and weights only.
        mark = SavedMark.of(state, controller.log, "it was saved")

        def work(progress):
            save_session(path, session, include_log=include_log, progress=progress, compress=True)  # to hand out

        def done(ok: bool, result) -> None:
            if ok:
                self.saved = mark
                recent.remember(self.settings, path)
                what = "the session" if include_log else "the settings and weights (without the log)"
                self._tell(True, f"Saved {what} to {path}")
            elif result is None:
                self._tell(False, "Save cancelled; nothing was written.")
            else:
                QMessageBox.critical(self.window, "Save failed", result)
                self.finished.emit(False, result)

        self.jobs.start(title, f"Writing {Path(path).name}…", work, _write_error(path), done)
        return True

    def open_session(self, path: str | None = None) -> None:
        if self._refuse_while_busy():
            return
        if not path:
            path, _ = QFileDialog.getOpenFileName(self.window, "Open session", self._folder("session"), SESSION_FILTER)
            if not path:
                return
        chosen = path

        def work(progress):
            return load_session(chosen, progress=progress, log_capacity=log_capacity)

        def done(ok: bool, result) -> None:
            if ok:
                session: Session = result
                self.controller.load_session(session, Path(chosen).name)
                moment_view.restore(self.window, session.view)  # type: ignore[arg-type]  # as it was handed out
                recent.remember(self.settings, chosen)
                self.mark_saved("it was opened")
                self.settings.setValue("session/folder", str(Path(chosen).parent))
                notes = " ".join(session.notes)
                self._tell(True, f"Opened {chosen}" + (f". {notes}" if notes else ""))
            elif result is None:
                self._tell(False, "Open cancelled; the current session is unchanged.")
            else:
                QMessageBox.warning(self.window, "Cannot open session", result)
                self.finished.emit(False, result)

        self.jobs.start("Open session", f"Reading {Path(chosen).name}…", work, _read_error(chosen), done,
                        writing=False)

    def export_done(self, exported: Callable[[Any], str]):
        """What an export's job does when it ends: says ``exported(result)``, that it was cancelled,
        or why it failed (in a box)."""
        def done(ok: bool, result) -> None:
            if ok:
                self._tell(True, exported(result))
            elif result is None:
                self._tell(False, "Export cancelled; nothing was written.")
            else:
                QMessageBox.critical(self.window, "Export failed", result)
                self.finished.emit(False, result)

        return done

    def _tell(self, ok: bool, text: str) -> None:
        self.message.emit(text)
        self.finished.emit(ok, text)

    # -- closing the window --------------------------------------------------------------------------
    def mark_saved(self, since: str) -> None:
        """The session as it is now has nothing to save (just opened, or just started)."""
        if self.controller.state is not None:
            self.saved = SavedMark.of(self.controller.state, self.controller.log, since)

    @Slot()
    def _first_session(self) -> None:
        """The window's first session (a preset, nothing done yet) has nothing to save."""
        self.controller.log_replaced.disconnect(self._first_session)
        self.mark_saved("the window opened")

    @property
    def unsaved(self) -> bool:
        """Training, edits, another preset or shape, Reset … since the session was last saved or opened."""
        state = self.controller.state
        return state is not None and self.saved is not None and not self.saved.matches(state, self.controller.log)

    def close_at_once(self) -> None:
        """The next close asks nothing and waits for nothing (Ctrl+C, SIGTERM: a file being written
        is cancelled, leaving no partial file)."""
        self._closing_at_once = True

    def may_close(self) -> bool:
        """Whether the window may close now (its closeEvent asks). If not, the window stays: the
        learner chose Cancel, or a file is being written (the save asked for, or one under way),
        and the window closes by itself once it is complete."""
        if self._closing_at_once:
            return True
        if self.jobs.busy:
            if self.jobs.writing:
                self._close_when_done = True
                self.jobs.show_progress("Finishing the file before closing…")
                self.message.emit("The window closes once the file is written (Cancel stops it and keeps the window).")
                return False
            self.jobs.cancel_and_wait()  # a session being read: nothing is lost by not opening it
        self._settle()
        if not self.unsaved or self._closing_at_once:
            return True
        answer = ask_to_save(self.window, self._unsaved_work())
        # Ctrl+C or SIGTERM while the question or the file dialog was open: Qt ignores a close()
        # of a window already closing, so this close must go on (or the threads outlive the app)
        if self._closing_at_once or answer == QMessageBox.StandardButton.Discard:
            return True
        if answer == QMessageBox.StandardButton.Save and self.save_session():
            self._close_when_done = True
        return self._closing_at_once

    def _unsaved_work(self) -> str:
        """What closing without saving loses, for the question."""
        log = self.controller.log
        if self.saved is not None and log is self.saved.log and log.count > self.saved.count:
            return f"{_iterations(log.count - self.saved.count)} trained since {self.saved.since}"
        if log.count:
            return f"This session ({_iterations(log.count)}, its settings and weights)"
        return "This session's settings and weights"

    def _settle(self) -> None:
        """Pause training and wait until every command sent is done and its report is in (a Step
        just pressed included), so that what is asked about and saved is the whole session, and
        does not move on while the learner decides."""
        controller = self.controller
        if controller.state is None or controller.trainer is None:
            return
        if controller.state.playing:
            controller.pause()
        loop = QEventLoop()
        token = controller.sync()

        def synced(answered: int) -> None:
            if answered == token:
                loop.quit()

        controller.synced.connect(synced)
        QTimer.singleShot(SETTLE_MS, loop.quit)
        loop.exec()
        controller.synced.disconnect(synced)

    @Slot(bool, str)
    def _after_work(self, ok: bool, _text: str) -> None:
        if not self._close_when_done:
            return
        self._close_when_done = False
        if ok:  # written: close as asked (a session changed meanwhile is asked about again)
            QTimer.singleShot(0, self.window.close)
        else:
            self.message.emit("The window stays open: the file was not written.")

    def close(self) -> None:
        self.jobs.cancel_and_wait()


__all__ = ["FileActions", "SessionError"]
