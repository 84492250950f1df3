"""How well the network classifies, live: the accuracy line beside the error curves and the
Confusion tab, for data whose targets are one class per example (the digits).

The accuracy belongs to the moment the window shows (:attr:`gdviz.core.moment.Moment.accuracy`):
every example's preds, so it is never worked out per iteration. While training it follows at
most :data:`READ_HZ` times a second; a Step, a move in time or an edit shows it at once. For a
big data set (more than :data:`BACKGROUND_WORK` multiply-adds) it is worked out on a thread of its
own, the last value shown with "…" until the new one arrives: the GUI thread never waits for it,
and moves made meanwhile are worked out once it is free, the last one only.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, Qt, QThread, QTimer, Signal, Slot
from PySide6.QtGui import QColor

from gdviz.core.accuracy import Accuracy, accuracy, accuracy_work, target_classes
from gdviz.core.dataset import DataSet
from gdviz.core.keyframes import KeyframedLog
from gdviz.ui.controller import SessionController
from gdviz.ui.error_plot import ErrorPlot
from gdviz.ui.views_panel import ViewsPanel

READ_HZ = 4
"""How often the accuracy follows training: a percentage changing faster cannot be read."""

BACKGROUND_WORK = 8_000_000
"""Multiply-adds (examples × inputs × outputs) from which the accuracy is worked out off the GUI
thread: ~2.3 ns each here (1,797 × 64 × 10 digits: 3 ms; 5,000 × 200 × 10: 23 ms; 10,000 × 784 × 10:
0.17 s), so from ~20 ms on."""

SCRUB_WORK = 2_000_000
"""Multiply-adds (~5 ms) from which moves in time that follow each other within SETTLE seconds
(scrubbing) wait until they pause, as a big network's tables do; the digits' 1.15 M follow each move."""

SETTLE = 0.15
"""Seconds the moves must pause: the window's own for a big network's tables (main_window.SETTLE)."""

CURVE_COLOUR = QColor(30, 150, 70)  # reads on the light and the dark background, unlike any output's


ACCURACY_LABEL = "accuracy % (sampled)"


class AccuracyCurve:
    """The accuracy at each iteration it was worked out for (the readable-rate samples of a run,
    each Step, each iteration moved to), in percent on the error plot's right axis: the share
    rising as the error falls. Points, never joined: the clock picks a run's samples, so lines
    between them drew the same Run of 1,797 a different shape each time, a steady climb over
    whatever happened between two samples. A view of its own over the plot's, its x linked to it,
    letting the clicks and drags through to the plot's (the iteration cursor, panning)."""

    def __init__(self, plot: ErrorPlot):
        self.plot = plot
        item = plot.plot.getPlotItem()
        self.main = item.getViewBox()
        self.view = pg.ViewBox(enableMenu=False)
        self.view.setMouseEnabled(False, False)
        self.view.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.view.setZValue(self.main.zValue() - 1)  # under the plot's view, which takes the mouse
        item.scene().addItem(self.view)
        self.axis = item.getAxis("right")
        self.axis.linkToView(self.view)
        self.axis.enableAutoSIPrefix(False)
        self.axis.setLabel(ACCURACY_LABEL, color=CURVE_COLOUR.name())
        self.axis.setTextPen(CURVE_COLOUR)
        self.axis.setPen(CURVE_COLOUR)
        self.view.setXLink(self.main)
        self.view.setYRange(0, 100, padding=0.02)
        self.curve = pg.PlotDataItem(pen=None, symbol="o", symbolSize=5, symbolPen=None, symbolBrush=CURVE_COLOUR,
                                     name=ACCURACY_LABEL)
        self.view.addItem(self.curve)
        self.main.sigResized.connect(self._fit)
        self.set_visible(False)
        self._fit()

    def _fit(self, *_args) -> None:
        self.view.setGeometry(self.main.sceneBoundingRect())
        self.view.linkedViewChanged(self.main, self.view.XAxis)

    def set_visible(self, visible: bool) -> None:
        item = self.plot.plot.getPlotItem()
        if visible != self.view.isVisible() or visible != self.axis.isVisible():
            (item.showAxis if visible else item.hideAxis)("right")
            self.view.setVisible(visible)

    def show(self, samples: dict[int, float]) -> None:
        """``samples``: iteration → share (0-1)."""
        iterations = np.array(sorted(samples), dtype=np.float64)
        self.curve.setData(iterations, np.array([100 * samples[int(k)] for k in iterations]))


@dataclass(frozen=True, eq=False)
class _Ask:
    """A moment whose accuracy is asked for: its data, weights (a copy) and iteration, and the
    ask's number (a later ask is newer)."""

    data: DataSet
    weights: np.ndarray
    iteration: int
    number: int
    log: object  # the log it belongs to (its value is a sample of that log's accuracy curve)


def continues(old: object, new: KeyframedLog) -> bool:
    """Whether ``new`` holds the first iterations of ``old`` (a branch from the past, an undo back
    to a shorter log), so that the accuracy samples up to its last iteration hold for it too: the
    same numbering and the same total error at its last row (training is deterministic)."""
    if not isinstance(old, KeyframedLog) or new.count == 0 or new.count > old.count or \
            new.first_iteration != old.first_iteration:
        return False
    row = new.count - 1
    return bool(np.array_equal(new.column("error_total", row, row + 1), old.column("error_total", row, row + 1)))


class _Job(QThread):
    """One accuracy worked out on its own thread (numpy lets go of the GIL in its big loops)."""

    def __init__(self, asked: _Ask, parent: QObject | None = None):
        super().__init__(parent)
        self.asked = asked
        self.result: Accuracy | None = None

    def run(self) -> None:  # QThread's entry point
        try:
            self.result = accuracy(self.asked.data, self.asked.weights)
        except Exception:  # noqa: BLE001 - a thread's exception would be lost: no value is shown instead
            self.result = None


class AccuracyWatch(QObject):
    """Works out the accuracy of the moment shown and shows it in ``views`` (the curves' accuracy
    line, the Confusion tab). ``changed`` after each new value (or a wait for one)."""

    changed = Signal()

    def __init__(self, controller: SessionController, views: ViewsPanel, parent: QObject | None = None):
        super().__init__(parent)
        self.controller, self.views = controller, views
        self.accuracy: Accuracy | None = None  # the last value shown
        self.data: DataSet | None = None  # of the last value
        self.iteration: int | None = None  # of the last value
        self.classes = False  # the data shown has one class per example
        self._classes_of: tuple[DataSet | None, bool] = (None, False)
        self._asked: _Ask | None = None  # the last moment asked for
        self._asks = 0
        self._shown_ask = 0  # the number of the ask whose value is shown
        self._queued: _Ask | None = None  # waits for the job to end: only the last one
        self._job: _Job | None = None
        self._updated_at = -math.inf
        self._asked_at = -math.inf  # the last move or change to be shown at once
        self._closed = False
        self._wired: object = None  # the Confusion view whose picks reach the controller
        self.curve: AccuracyCurve | None = None
        self.samples: dict[int, float] = {}  # iteration → share, of the log below
        self._samples_log: object = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._update)
        controller.state_changed.connect(self._on_state)
        controller.shown_changed.connect(self._at_once)
        controller.log_replaced.connect(self._renew)
        views.built.connect(self._render)  # a new network's Confusion tab, made a turn after the rest

    # -- when ----------------------------------------------------------------------------------------
    @Slot()
    def _on_state(self) -> None:
        state = self.controller.state
        if state is None or self._closed:
            return
        if not state.playing:
            self._at_once()
        elif not self._timer.isActive():
            wait = max(0.0, self._updated_at + 1 / READ_HZ - time.perf_counter())  # 0 before the first
            self._timer.start(math.ceil(1000 * wait))

    @Slot()
    def _at_once(self) -> None:
        """When control is back in the event loop: a change's several announcements make one update.
        Quick moves over data that takes a while (scrubbing) are shown once they pause."""
        if self._closed:
            return
        now, state = time.perf_counter(), self.controller.state
        quick = now - self._asked_at < SETTLE
        self._asked_at = now
        big = state is not None and accuracy_work(state.data) >= SCRUB_WORK
        self._timer.start(int(1000 * SETTLE) if quick and big else 0)

    @Slot()
    def _renew(self) -> None:
        """Another log, maybe other views: shown afresh even if the numbers are the same."""
        self._asked = None
        self._at_once()

    # -- what ----------------------------------------------------------------------------------------
    def _has_classes(self, data: DataSet) -> bool:
        if self._classes_of[0] is not data:
            self._classes_of = (data, target_classes(data) is not None)
        return self._classes_of[1]

    @Slot()
    def _update(self) -> None:
        if self.controller.state is None or self._closed:
            return
        self._updated_at = time.perf_counter()
        moment = self.controller.moment()
        data = moment.settings.data
        asked = self._asked
        if asked is not None and asked.data is data and asked.iteration == moment.iteration and \
                np.array_equal(asked.weights, moment.weights):
            return  # the same moment (training paused, a setting changed that the accuracy ignores)
        self._asks += 1
        self._asked = asked = _Ask(data, np.array(moment.weights), moment.iteration, self._asks, self.controller.log)
        self.classes = self._has_classes(data)
        self._queued = None
        if not self.classes:
            self._show(None, asked)
        elif accuracy_work(data) < BACKGROUND_WORK:
            self._show(moment.accuracy, asked)
        elif self._job is None:
            self._start(asked)
        else:
            self._queued = asked
        self._render()

    def _show(self, value: Accuracy | None, asked: _Ask) -> None:
        self.accuracy, self.data, self.iteration, self._shown_ask = value, asked.data, asked.iteration, asked.number
        log = self.controller.log
        if self._samples_log is not log:  # Reset, another network, a branch, an undo
            kept = continues(self._samples_log, log)
            self.samples = {k: share for k, share in self.samples.items() if k <= log.last_iteration} if kept else {}
            self._samples_log = log
        if value is not None and asked.log is self.controller.log:
            self.samples[asked.iteration] = value.share

    @property
    def pending(self) -> bool:
        """A newer value than the one shown is being worked out."""
        job = self._job
        return self._queued is not None or (job is not None and job.asked.number > self._shown_ask)

    def _start(self, asked: _Ask) -> None:
        job = _Job(asked, parent=self)
        job.finished.connect(self._on_job_done)
        self._job = job
        job.start()

    @Slot()
    def _on_job_done(self) -> None:
        job, self._job = self._job, None
        if job is None:
            return
        job.wait()
        job.deleteLater()
        if self._closed:
            return
        if job.asked.number > self._shown_ask and self.classes:  # newer than the value shown
            self._show(job.result, job.asked)
        if self._queued is not None:
            queued, self._queued = self._queued, None
            self._start(queued)
        self._render()

    # -- showing -------------------------------------------------------------------------------------
    def text(self) -> str:
        """The accuracy line: the last value, with "…" while a newer one is worked out."""
        if self.accuracy is None:
            return "accuracy …" if self.pending else ""
        return self.accuracy.text() + (" …" if self.pending else "")

    def _render(self) -> None:
        views = self.views
        plot = views.error_plot
        plot.accuracy_label.setText(self.text())
        plot.accuracy_label.setToolTip("The share of examples whose largest pred is their target's class, "
                                       "with the weights of the iteration shown (the Confusion tab says "
                                       "which classes it takes for which). The green points on the right "
                                       "axis: the accuracy where it was worked out, sampled (a few times a "
                                       "second while training, each Step, each iteration moved to), not "
                                       "joined: between two points it is not known")
        plot.accuracy_label.setVisible(self.classes)
        if self.curve is None or self.curve.plot is not plot:
            self.curve = AccuracyCurve(plot)
        self.curve.set_visible(self.classes)
        if self.classes:
            self.curve.show(self.samples)
        # (while a new network's other tabs are still to be made, they are left to be: built renders again)
        confusion = None if views.pending else views.confusion
        if confusion is not None:
            if self._wired is not confusion:
                self._wired = confusion
                confusion.example_picked.connect(self.controller.set_example)
            tabs = views.tabs
            index = tabs.indexOf(confusion)
            if tabs.isTabVisible(index) != self.classes:
                tabs.setTabVisible(index, self.classes)
                tabs.fit_names()  # one tab more or fewer: the long names may fit, or no longer
            if self.classes:  # a value of another network's classes (replaced since: a new one is coming) is not shown
                fits = self.data is not None and list(self.data.output_names) == confusion.names
                confusion.show_accuracy(self.accuracy if fits else None, self.data if fits else None, self.iteration,
                                        self.pending or not fits)
        self.changed.emit()

    def shutdown(self) -> None:
        """The window closes: nothing more is started, and a running job is waited for (≤ ~1 s)."""
        self._closed = True
        self._timer.stop()
        self._queued = None
        if self._job is not None:
            self._job.wait()
