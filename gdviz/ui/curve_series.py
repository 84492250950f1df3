"""A long curve drawn in pieces, and a plot widget that times its paints (for pacing redraws)."""

from __future__ import annotations

import time

import numpy as np
import pyqtgraph as pg

from gdviz.ui.guard import answers_qt

SEGMENT = 200_000  # points in one piece of a long curve


class Series:
    """One curve drawn as pieces of SEGMENT points each: a piece that is full never changes
    again, so a redraw costs the last piece only, however long the curve gets (pyqtgraph
    re-scans an item's whole data on every setData). Every piece has the curve's z value, so
    the curves keep one stacking order all along."""

    def __init__(self, plot_item: pg.PlotItem, name: str, pen, z: float):
        self.plot_item, self.pen, self.z, self.name = plot_item, pen, z, name
        self.downsampling = "peak"  # pyqtgraph's method when a pixel holds many points
        self.items = [self._new_item()]
        self.points = 0
        self.visible = True

    def _new_item(self) -> pg.PlotDataItem:
        item = self.plot_item.plot(pen=self.pen)
        item.setDownsampling(auto=True, method=self.downsampling)
        item.setZValue(self.z)
        item.setVisible(getattr(self, "visible", True))
        return item

    def update(self, x: np.ndarray, y: np.ndarray) -> None:
        n = len(x)
        if n < self.points:  # the log was replaced
            self.clear()
        pieces = max(1, -(-(n - 1) // SEGMENT))
        changed_from = max(0, -(-(self.points - 1) // SEGMENT) - 1) if self.points > 1 else 0
        while len(self.items) < pieces:
            self.items.append(self._new_item())
        for k in range(changed_from, pieces):
            start, stop = k * SEGMENT, min((k + 1) * SEGMENT + 1, n)  # pieces share an end point
            self.items[k].setData(x[start:stop], y[start:stop])
        # a curve of one point has no line to draw: it gets a marker until it has two
        lone = n == 1
        first = self.items[0]
        if lone != (first.opts.get("symbol") is not None):
            first.setSymbol("o" if lone else None)
            if lone:
                first.setSymbolSize(7)
                first.setSymbolBrush(self.pen.color())
                first.setSymbolPen(self.pen.color())
        self.points = n

    def rebind(self, x: np.ndarray, y: np.ndarray) -> None:
        """Every piece drawn again from these arrays (the curves' arrays were reallocated): the
        pieces of the old ones would keep them alive, a second copy of the curve in memory."""
        self.points = 0
        for item in self.items:
            item.setData([], [])
        if len(x):
            self.update(x, y)

    def clear(self) -> None:
        for item in self.items[1:]:
            self.plot_item.removeItem(item)
        del self.items[1:]
        self.items[0].setData([], [])
        self.points = 0

    def set_z(self, z: float) -> None:
        self.z = z
        for item in self.items:
            item.setZValue(z)

    def set_visible(self, visible: bool) -> None:
        self.visible = visible
        for item in self.items:
            item.setVisible(visible)

    def set_downsampling(self, method: str) -> None:
        """``peak`` draws each pixel column's lowest and highest point (a band where the curve
        zigzags), ``mean`` their mean (a line: much cheaper to paint)."""
        self.downsampling = method
        for item in self.items:
            item.setDownsampling(auto=True, method=method)

    def set_pen(self, pen) -> None:
        self.pen = pen
        for item in self.items:
            item.setPen(pen)

    def data(self) -> tuple[np.ndarray, np.ndarray]:
        """Every point of the curve, pieces joined."""
        xs = [item.xData if k == 0 else item.xData[1:] for k, item in enumerate(self.items) if item.xData is not None]
        ys = [item.yData if k == 0 else item.yData[1:] for k, item in enumerate(self.items) if item.yData is not None]
        return (np.concatenate(xs), np.concatenate(ys)) if xs else (np.zeros(0), np.zeros(0))


class TimedPlotWidget(pg.PlotWidget):
    """A PlotWidget that remembers how long its last paint took."""

    paint_seconds = 0.0

    @answers_qt()
    def paintEvent(self, event):  # noqa: N802
        started = time.perf_counter()
        super().paintEvent(event)
        self.paint_seconds = time.perf_counter() - started
