"""One mechanism for long file work off the GUI thread: writing a CSV, saving and opening a session.

A :class:`Job` runs a function on a thread of its own, passing it a ``progress(done, total)``
callback that reports progress and answers False once the learner has pressed Cancel (the
function then raises :class:`~gdviz.core.files.Cancelled`). :func:`start_job` shows a progress
dialog (after 300 ms, so quick work flashes nothing), sets a busy cursor, and calls back on the
GUI thread with the result, or with a message naming the cause of a failure. Writes are atomic
(:func:`gdviz.core.files.atomic_write`), so a failed or cancelled job leaves nothing behind.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot
from PySide6.QtWidgets import QApplication, QProgressDialog, QWidget

from gdviz.core.files import Cancelled

PROGRESS_STEPS = 1000  # the dialog's range: progress is given as a fraction


class Job(QThread):
    """Runs ``work(progress)`` on its own thread; ``finished_with(ok, result_or_message)`` ends it."""

    progressed = Signal(int)  # thousandths done
    finished_with = Signal(bool, object)

    def __init__(self, work: Callable[[Callable[[int, int], bool]], Any],
                 describe_error: Callable[[BaseException], str], parent: QObject | None = None):
        super().__init__(parent)
        self._work, self._describe_error = work, describe_error
        self._cancelled = False
        self._last = -1

    def cancel(self) -> None:
        self._cancelled = True

    @property
    def cancelled(self) -> bool:
        return self._cancelled

    def _progress(self, done: int, total: int) -> bool:
        step = int(PROGRESS_STEPS * done / total) if total else 0
        if step != self._last:  # a signal per thousandth at most, not per block
            self._last = step
            self.progressed.emit(step)
        return not self._cancelled

    def run(self) -> None:  # QThread's entry point
        try:
            result = self._work(self._progress)
        except Cancelled:
            self.finished_with.emit(False, None)
        except Exception as exc:  # noqa: BLE001 - any failure is told to the learner, not lost
            message = self._describe_error(exc)
            if not message:
                message = "".join(traceback.format_exception_only(exc)).strip()
            self.finished_with.emit(False, message)
        else:
            self.finished_with.emit(True, result)


class JobRunner(QObject):
    """Starts jobs with a progress dialog, one at a time, and ends them when the window closes."""

    def __init__(self, window: QWidget):
        super().__init__(window)
        self.window = window
        self.job: Job | None = None
        self.writing = False  # the job writes a file (closing the window waits for it)
        self._dialog: QProgressDialog | None = None
        self._done: Callable[[bool, Any], None] | None = None

    @property
    def busy(self) -> bool:
        return self.job is not None

    def start(self, title: str, label: str, work, describe_error, done: Callable[[bool, Any], None],
              writing: bool = True) -> Job:
        """Run ``work`` on a thread; ``done(ok, result)`` on the GUI thread: ok with the result,
        or not ok with a message (None when cancelled). ``writing``: the work writes a file (not
        to be cut short by closing the window)."""
        self.writing = writing
        job = Job(work, describe_error, self)
        dialog = QProgressDialog(label, "Cancel", 0, PROGRESS_STEPS, self.window)
        dialog.setWindowTitle(title)
        dialog.setMinimumDuration(300)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.canceled.connect(job.cancel)
        job.progressed.connect(dialog.setValue)
        job.finished_with.connect(self._on_finished)
        self.job, self._dialog, self._done = job, dialog, done
        QApplication.setOverrideCursor(Qt.CursorShape.BusyCursor)
        job.start()
        return job

    @Slot(bool, object)
    def _on_finished(self, ok: bool, result: Any) -> None:
        job, dialog, done = self.job, self._dialog, self._done
        self.job = self._dialog = self._done = None
        self.writing = False
        if job is not None:
            job.wait()
            job.deleteLater()
        if dialog is not None:
            dialog.reset()
            dialog.deleteLater()
        QApplication.restoreOverrideCursor()
        if done is not None:
            done(ok, result)

    def show_progress(self, label: str) -> None:
        """Show the running job's progress now (not after its usual delay), under ``label``."""
        if self._dialog is not None:
            self._dialog.setLabelText(label)
            self._dialog.show()

    def cancel_and_wait(self) -> None:
        """Cancel a running job and wait for it (closing the window): nothing is left half-written."""
        job = self.job
        if job is not None:
            job.cancel()
            job.wait()
            QApplication.processEvents()  # its finished_with: the dialog goes, the cursor comes back
            if self.job is job:
                self._on_finished(False, None)
