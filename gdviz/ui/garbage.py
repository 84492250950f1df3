"""Python's cyclic garbage collector, run on the GUI thread only.

Left to itself, the collector runs in whichever thread happens to allocate when its thresholds
are passed: the trainer's, or the thread loading the compiled loops. A cycle holding Qt objects
(pyqtgraph's items are full of them) is then destroyed from that thread, and PySide6 hands the
deletion to the GUI thread mid-paint: seen here as deadlocks on Qt's locks, and once a crash.
So, while a window is open, automatic collection is off and the GUI thread collects on a timer,
generation by generation when their thresholds are passed (as pyqtgraph's GarbageCollector does).
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 500
_users = 0  # collectors alive; automatic collection is off while there is one
_was_enabled = True


class GuiThreadCollector(QObject):
    """Owned by a window; :meth:`stop` when it closes."""

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        global _users, _was_enabled
        if _users == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _users += 1
        self._running = True
        self.threshold = gc.get_threshold()
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.collect)
        self.timer.start(INTERVAL_MS)

    def freeze(self) -> None:
        """Move every object alive now out of the collector's sight (``gc.freeze``): the window's
        widgets and pyqtgraph's items are tens of thousands of objects that live as long as it
        does, and a full collection that walks them all took ~11 ms of the GUI thread's time."""
        gc.collect()
        gc.freeze()

    def collect(self) -> None:
        counts = gc.get_count()
        for generation in range(3):
            if counts[generation] <= self.threshold[generation]:
                break
            gc.collect(generation)

    def stop(self) -> None:
        """No more collecting here; the last collector to stop turns automatic collection back on."""
        global _users
        if not self._running:
            return
        self._running = False
        self.timer.stop()
        _users -= 1
        if _users == 0:
            gc.unfreeze()
            gc.collect()
            if _was_enabled:
                gc.enable()
