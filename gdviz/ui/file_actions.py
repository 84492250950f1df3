"""File → Export, Save session, Save without the log, Open session: the dialogs, then the work on
a background job (:mod:`gdviz.ui.jobs`), then a word in the status bar or a message box."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QSettings, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from gdviz.core.csv_log import write_csv
from gdviz.core.files import describe_error
from gdviz.core.session import Session, SessionError, load_session, save_session
from gdviz.ui.controller import SessionController, log_capacity
from gdviz.ui.jobs import JobRunner

SESSION_FILTER = "gdviz sessions (*.gdviz);;Sessions of gdviz 0.1 (*.json);;All files (*)"


def _write_error(path: str):
    def describe(exc: BaseException) -> str:
        if isinstance(exc, OSError):
            return f"{describe_error(exc, path)}\nNothing was written."
        return f"Could not write {path}: {exc}.\nNothing was written."

    return describe


def _read_error(path: str):
    def describe(exc: BaseException) -> str:
        if isinstance(exc, OSError):
            reason = exc.strerror or str(exc)
        else:
            reason = str(exc)
        return f"{path} cannot be opened: {reason.rstrip('.')}.\nThe current session is unchanged."

    return describe


class FileActions(QObject):
    """What the File menu does. :attr:`finished` (ok, message) after each piece of work."""

    finished = Signal(bool, str)
    message = Signal(str)

    def __init__(self, window: QWidget, controller: SessionController, settings: QSettings):
        super().__init__(window)
        self.window, self.controller, self.settings = window, controller, settings
        self.jobs = JobRunner(window)

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
            write_csv(path, records, *names, progress=lambda rows: progress(rows, max(records.count, 1)))
            return records.count

        def done(ok: bool, result) -> None:
            if ok:
                self._tell(True, f"Exported {result:,} iterations to {path}")
            elif result is None:
                self._tell(False, "Export cancelled; nothing was written.")
            else:
                QMessageBox.critical(self.window, "Export failed", result)
                self.finished.emit(False, result)

        self.jobs.start("Export iteration log", f"Writing {records.count:,} iterations to {Path(path).name}…",
                        work, _write_error(path), done)

    # -- sessions ------------------------------------------------------------------------------------
    def save_session(self, include_log: bool = True) -> None:
        controller = self.controller
        state = controller.state
        if state is None or self._refuse_while_busy():
            return
        suffix = "" if include_log else "-settings"
        suggested = str(Path(self._folder("session")) / f"{state.preset or 'custom'}{suffix}.gdviz")
        title = "Save session" if include_log else "Save session without the log"
        path, _ = QFileDialog.getSaveFileName(self.window, title, suggested, SESSION_FILTER)
        if not path:
            return
        if not Path(path).suffix:
            path += ".gdviz"
        self.settings.setValue("session/folder", str(Path(path).parent))
        session = Session(state.replace(playing=False, run_total=0, run_remaining=0), controller.log.shared(),
                          controller.shown)

        def work(progress):
            save_session(path, session, include_log=include_log, progress=progress)

        def done(ok: bool, result) -> None:
            if ok:
                what = "the session" if include_log else "the settings and weights (without the log)"
                self._tell(True, f"Saved {what} to {path}")
            elif result is None:
                self._tell(False, "Save cancelled; nothing was written.")
            else:
                QMessageBox.critical(self.window, "Save failed", result)
                self.finished.emit(False, result)

        self.jobs.start(title, f"Writing {Path(path).name}…", work, _write_error(path), done)

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
                self.settings.setValue("session/folder", str(Path(chosen).parent))
                notes = " ".join(session.notes)
                self._tell(True, f"Opened {chosen}" + (f". {notes}" if notes else ""))
            elif result is None:
                self._tell(False, "Open cancelled; the current session is unchanged.")
            else:
                QMessageBox.warning(self.window, "Cannot open session", result)
                self.finished.emit(False, result)

        self.jobs.start("Open session", f"Reading {Path(chosen).name}…", work, _read_error(chosen), done)

    def _tell(self, ok: bool, text: str) -> None:
        self.message.emit(text)
        self.finished.emit(ok, text)

    def close(self) -> None:
        self.jobs.cancel_and_wait()


__all__ = ["FileActions", "SessionError"]
