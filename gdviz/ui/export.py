"""Writing a large iteration log to CSV on a thread of its own, so the window stays alive."""

from __future__ import annotations

from PySide6.QtCore import QThread, Signal

from gdviz.core.csv_log import ExportCancelled, write_csv
from gdviz.core.files import describe_error
from gdviz.core.log import IterationLog


class ExportJob(QThread):
    """Writes ``log`` (records nobody writes over: see IterationLog.shared) to ``path`` atomically.

    ``progressed(rows)`` reports rows written; ``done(ok, message)`` ends it. :meth:`cancel`
    stops it at the next block of rows, leaving no file under ``path``.
    """

    progressed = Signal(int)
    done = Signal(bool, str)

    def __init__(self, path: str, log: IterationLog, input_names, output_names, parent=None):
        super().__init__(parent)
        self.path, self.log = path, log
        self.names = (input_names, output_names)
        self._cancelled = False

    def cancel(self) -> None:
        self._cancelled = True

    def _progress(self, rows: int) -> bool:
        self.progressed.emit(rows)
        return not self._cancelled

    def run(self) -> None:  # QThread's entry point
        try:
            write_csv(self.path, self.log, *self.names, progress=self._progress)
        except ExportCancelled:
            self.done.emit(False, "Export cancelled; nothing was written.")
        except OSError as exc:
            self.done.emit(False, f"{describe_error(exc, self.path)}\nNothing was written.")
        else:
            self.done.emit(True, f"Exported {self.log.count:,} iterations to {self.path}")
