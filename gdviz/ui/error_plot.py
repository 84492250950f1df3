"""Live error curves: the error of each output and the total, against iteration (pyqtgraph)."""

from __future__ import annotations

import math
import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QMenu, QPushButton, QToolButton, QVBoxLayout, QWidget

from gdviz.core.log import IterationLog

CURVE_COLOURS = ["#e11d48", "#16a34a", "#9333ea", "#0891b2", "#ca8a04", "#db2777", "#4f46e5", "#65a30d"]
MAX_PINNED = 5
PIN_COLOURS = ["#64748b", "#0ea5e9", "#f97316", "#84cc16", "#d946ef"]
ALL_AT_ONCE = 20_000  # up to this many points every curve is redrawn each time; beyond, one a time
MAX_OUTPUT_CURVES = 8  # more outputs than this: only the total is drawn, to stay legible


SEGMENT = 200_000  # points in one piece of a long curve
MIN_SPAN = 10  # iterations: the x axis shows at least this many (whole-number ticks from the start)


class _Series:
    """One curve drawn as pieces of SEGMENT points each: a piece that is full never changes
    again, so a redraw costs the last piece only, however long the curve gets (pyqtgraph
    re-scans an item's whole data on every setData)."""

    def __init__(self, plot_item: pg.PlotItem, name: str, pen):
        self.plot_item, self.pen = plot_item, pen
        self.items = [plot_item.plot(name=name, pen=pen)]
        self.points = 0

    def update(self, x: np.ndarray, y: np.ndarray) -> None:
        n = len(x)
        if n < self.points:  # the log was cleared
            for item in self.items[1:]:
                self.plot_item.removeItem(item)
            del self.items[1:]
            self.points = 0
        pieces = max(1, -(-(n - 1) // SEGMENT))
        changed_from = max(0, -(-(self.points - 1) // SEGMENT) - 1) if self.points > 1 else 0
        while len(self.items) < pieces:
            self.items.append(self.plot_item.plot(pen=self.pen))
        for k in range(changed_from, pieces):
            start, stop = k * SEGMENT, min((k + 1) * SEGMENT + 1, n)  # pieces share an end point
            self.items[k].setData(x[start:stop], y[start:stop])
        self.points = n

    def data(self) -> tuple[np.ndarray, np.ndarray]:
        """Every point of the curve, pieces joined."""
        xs = [item.xData if k == 0 else item.xData[1:] for k, item in enumerate(self.items) if item.xData is not None]
        ys = [item.yData if k == 0 else item.yData[1:] for k, item in enumerate(self.items) if item.yData is not None]
        return (np.concatenate(xs), np.concatenate(ys)) if xs else (np.zeros(0), np.zeros(0))


class _TimedPlotWidget(pg.PlotWidget):
    """A PlotWidget that remembers how long its last paint took."""

    paint_seconds = 0.0

    def paintEvent(self, event):  # noqa: N802
        started = time.perf_counter()
        super().paintEvent(event)
        self.paint_seconds = time.perf_counter() - started


class ErrorPlot(QWidget):
    """Curves redrawn from the window's log on :meth:`refresh` (called at display rate).

    With hundreds of thousands of points a redraw costs several milliseconds even with
    pyqtgraph's downsampling and clip-to-view, so :meth:`due` spaces the redraws out to keep
    the curves under a quarter of the window's time; the diagram and tables still redraw
    every frame.
    """

    SHARE_OF_TIME = 0.25

    def __init__(self, output_names, capacity: int = 1024, parent=None):
        super().__init__(parent)
        palette = self.palette()
        text = palette.windowText().color()
        self.plot = _TimedPlotWidget(background=palette.base().color())  # follows a light or dark desktop
        item = self.plot.getPlotItem()
        for side in ("left", "bottom"):
            item.getAxis(side).setPen(text)
            item.getAxis(side).setTextPen(text)
        item.setLabel("bottom", "iteration")
        item.setLabel("left", "error")
        item.showGrid(x=False, y=False)
        item.setDownsampling(auto=True, mode="peak")
        item.setClipToView(True)
        self.legend = item.addLegend(offset=(-10, 10), labelTextColor=text)
        self.curves = [_Series(item, f"error {name}", pg.mkPen(CURVE_COLOURS[o % 8], width=1))
                       for o, name in enumerate(output_names[:MAX_OUTPUT_CURVES])]
        self.total_curve = _Series(item, "total", pg.mkPen(text, width=2))
        self.log_scale = QCheckBox("Log scale")
        self.log_scale.setToolTip("Show the error axis on a logarithmic scale (L)")
        self.log_scale.toggled.connect(self._set_log_scale)
        self.follow = QCheckBox("Follow")
        self.follow.setChecked(True)
        self.follow.setToolTip("Keep every iteration in view as training goes on; zooming or panning "
                               "the plot turns this off, ticking it turns it back on")
        self.follow.toggled.connect(self._refit)
        # pyqtgraph's own auto-range scans every point of every curve on each repaint; the window
        # knows the bounds of what it adds, so it fits the view itself (see _fit_view).
        self.view = item.getViewBox()
        self.view.disableAutoRange()
        self.view.sigRangeChangedManually.connect(lambda *_: self.follow.setChecked(False))
        self.pin_button = QPushButton("Pin run")
        self.pin_button.setToolTip("Keep this run's total error as a faded ghost, to compare after "
                                   "Reset with another alpha, mode or frozen weights (P; up to 5)")
        self.pinned_button = QToolButton()
        self.pinned_button.setText("Pinned ▾")
        self.pinned_button.setPopupMode(QToolButton.InstantPopup)
        self.pinned_button.setToolTip("Remove a pinned run")
        self.pinned_menu = QMenu(self)
        self.pinned_button.setMenu(self.pinned_menu)
        self.pinned_button.setVisible(False)
        self.pinned: list[tuple[str, pg.PlotDataItem]] = []
        options = QHBoxLayout()
        options.addWidget(self.log_scale)
        options.addWidget(self.follow)
        options.addStretch(1)
        options.addWidget(self.pin_button)
        options.addWidget(self.pinned_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot)
        layout.addLayout(options)
        self._fitted = None  # the last range set by _fit_view
        self._bounds_rows = 0  # rows of the log already folded into the bounds below
        self._largest = 0.0  # the largest error (any output, or total) so far
        self._smallest_positive = math.inf  # for the log scale
        self._x = np.zeros(0)
        self._columns = np.zeros((len(self.curves) + 1, 0))
        self._filled = 0  # rows of the log copied into _columns
        self._allocate(capacity)
        self.shown = 0  # how many iterations the curves hold
        self._refreshed_at = 0.0
        self._refresh_seconds = 0.0

    def _set_log_scale(self, on: bool) -> None:
        self.plot.getPlotItem().setLogMode(y=on)
        self._fitted = None
        self._fit_view()

    def _refit(self, *_args) -> None:
        self._fitted = None
        self._fit_view()

    def _update_bounds(self, log: IterationLog) -> None:
        if log.count < self._bounds_rows:  # the log was cleared
            self._bounds_rows, self._largest, self._smallest_positive = 0, 0.0, math.inf
        new = log.error_total[self._bounds_rows :]
        if new.size:
            self._largest = max(self._largest, float(new.max()))
            errors = log.error[self._bounds_rows :]
            positive = errors[errors > 0]
            if positive.size:
                self._smallest_positive = min(self._smallest_positive, float(positive.min()))
        self._bounds_rows = log.count

    def _fit_view(self, *_args) -> None:
        """Show every iteration. The x range grows by half again when the data reaches its end,
        so it changes rarely: each change makes pyqtgraph redo every curve's downsampling."""
        if not self.follow.isChecked():
            return
        first = float(self._x[0]) if self._bounds_rows else 1.0
        last = first + max(self._bounds_rows - 1, 1)
        fitted = self._fitted is not None and self._fitted[0][0] == first
        if fitted and last <= self._fitted[0][1] <= first + 2 * (last - first) + 2 * MIN_SPAN:
            last = self._fitted[0][1]  # still fits, and not mostly empty: keep the range
        else:  # room to grow, so that steps one at a time do not redraw the axes each time
            last = first + max(MIN_SPAN, math.ceil((last - first) * 1.5))
        if self.log_scale.isChecked():
            top = math.log10(self._largest) if self._largest > 0 else 0.0
            bottom = math.log10(self._smallest_positive) if math.isfinite(self._smallest_positive) else top - 1
            y_range = (bottom, top if top > bottom else bottom + 1)
        else:
            y_range = (0.0, self._largest if self._largest > 0 else 1.0)
        if ((first, last), y_range) != self._fitted:
            self._fitted = ((first, last), y_range)
            self.view.setRange(xRange=(first, last), yRange=y_range, padding=0.02)

    def _sync_columns(self, log: IterationLog) -> None:
        """Keep x (iteration numbers) and each curve's y as contiguous float64 arrays.

        pyqtgraph clips and downsamples contiguous arrays about twice as fast as a column of
        the log, and clips fastest with float x. Only the rows added since the last call are
        copied. The arrays have room for the whole log (``capacity``): the system hands out
        their pages as they fill, so they never need copying to grow.
        """
        if log.count > self._x.size:  # more than planned for (a log with no capacity limit)
            self._allocate(max(2 * log.count, 1024))
        if log.count < self._filled or (self._filled and self._x[0] != log.first_iteration):
            self._filled = 0
        new = slice(self._filled, log.count)
        self._x[new] = np.arange(log.first_iteration + self._filled, log.first_iteration + log.count)
        self._columns[: len(self.curves), new] = log.error[new, : len(self.curves)].T
        self._columns[-1, new] = log.error_total[new]
        self._filled = log.count

    def _allocate(self, capacity: int) -> None:
        columns = np.empty((len(self.curves) + 1, capacity))
        x = np.empty(capacity)
        columns[:, : self._filled] = self._columns[:, : self._filled]
        x[: self._filled] = self._x[: self._filled]
        self._columns, self._x = columns, x

    def due(self, log: IterationLog) -> bool:
        """Whether a curve should be redrawn now to show ``log``."""
        if self.shown == log.count and log.count:
            return False
        cost = self._refresh_seconds + self.plot.paint_seconds
        return time.perf_counter() - self._refreshed_at >= cost / self.SHARE_OF_TIME

    def refresh(self, log: IterationLog) -> None:
        """Bring the curves up to date: all of them while they are short; past
        :data:`ALL_AT_ONCE` points only the one furthest behind (a redraw's cost grows with the
        points, so it is spread over frames; a curve is then at most a few frames behind).
        :attr:`shown` counts the points that every curve holds."""
        started = time.perf_counter()
        self._sync_columns(log)
        x = self._x[: log.count]
        curves = [*self.curves, self.total_curve]
        lengths = [curve.points for curve in curves]
        if log.count < max(lengths) or log.count <= ALL_AT_ONCE:  # small, or cleared: every curve
            behind = range(len(curves))
        else:
            behind = [int(np.argmin(lengths))]
        for index in behind:
            curves[index].update(x, self._columns[index, : log.count])
        self.shown = min(curve.points for curve in curves)
        self._update_bounds(log)
        self._fit_view()
        self._refreshed_at = time.perf_counter()
        self._refresh_seconds = self._refreshed_at - started

    def pin(self, label: str, log: IterationLog) -> None:
        """Keep ``log``'s total error as a faded, labelled ghost (the oldest goes past MAX_PINNED)."""
        if len(self.pinned) >= MAX_PINNED:
            self.unpin(0)
        colour = QColor(PIN_COLOURS[len(self.pinned) % len(PIN_COLOURS)])
        colour.setAlpha(130)
        ghost = self.plot.getPlotItem().plot(
            np.arange(log.first_iteration, log.first_iteration + log.count, dtype=np.float64),
            log.error_total.copy(), name=f"pinned: {label}", pen=pg.mkPen(colour, width=2, style=Qt.DashLine))
        ghost.setZValue(-1)
        self.pinned.append((label, ghost))
        self._largest = max(self._largest, float(log.error_total.max()))
        self._rebuild_pinned_menu()
        self._fit_view()

    def unpin(self, index: int) -> None:
        label, ghost = self.pinned.pop(index)
        self.plot.getPlotItem().removeItem(ghost)
        self.legend.removeItem(ghost)
        self._rebuild_pinned_menu()

    def _rebuild_pinned_menu(self) -> None:
        self.pinned_menu.clear()
        for index, (label, _ghost) in enumerate(self.pinned):
            self.pinned_menu.addAction(f"Remove {label}", lambda checked=False, k=index: self.unpin(k))
        if self.pinned:
            self.pinned_menu.addSeparator()
            self.pinned_menu.addAction("Remove all", self._unpin_all)
        self.pinned_button.setVisible(bool(self.pinned))

    def _unpin_all(self) -> None:
        while self.pinned:
            self.unpin(len(self.pinned) - 1)

    def curve_data(self) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """What each curve holds (before pyqtgraph downsamples it to draw): name -> (x, y)."""
        data = {curve.items[0].name(): curve.data() for curve in self.curves}
        data["total"] = self.total_curve.data()
        return data
