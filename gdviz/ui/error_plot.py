"""Live error curves: the error of each output and the total, against iteration (pyqtgraph)."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QCheckBox, QVBoxLayout, QWidget

from gdviz.core.log import IterationLog

CURVE_COLOURS = ["#e11d48", "#16a34a", "#9333ea", "#0891b2", "#ca8a04", "#db2777", "#4f46e5", "#65a30d"]
MAX_OUTPUT_CURVES = 8  # more outputs than this: only the total is drawn, to stay legible


class ErrorPlot(QWidget):
    """Curves redrawn from the window's log on :meth:`refresh` (called at display rate)."""

    def __init__(self, output_names, parent=None):
        super().__init__(parent)
        palette = self.palette()
        text = palette.windowText().color()
        self.plot = pg.PlotWidget(background=palette.base().color())  # follows a light or dark desktop
        item = self.plot.getPlotItem()
        for side in ("left", "bottom"):
            item.getAxis(side).setPen(text)
            item.getAxis(side).setTextPen(text)
        item.setLabel("bottom", "iteration")
        item.setLabel("left", "error")
        item.showGrid(x=True, y=True, alpha=0.25)
        item.setDownsampling(auto=True, mode="peak")
        item.setClipToView(True)
        self.legend = item.addLegend(offset=(-10, 10), labelTextColor=text)
        self.curves: list[pg.PlotDataItem] = []
        for o, name in enumerate(output_names[:MAX_OUTPUT_CURVES]):
            self.curves.append(item.plot(name=f"error {name}", pen=pg.mkPen(CURVE_COLOURS[o % 8], width=1)))
        self.total_curve = item.plot(name="total", pen=pg.mkPen(text, width=2))
        self.log_scale = QCheckBox("Log scale")
        self.log_scale.setToolTip("Show the error axis on a logarithmic scale (L)")
        self.log_scale.toggled.connect(self._set_log_scale)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot)
        layout.addWidget(self.log_scale)
        self._x = np.zeros(0)
        self.shown = 0  # how many iterations the curves hold

    def _set_log_scale(self, on: bool) -> None:
        self.plot.getPlotItem().setLogMode(y=on)

    def _iterations(self, log: IterationLog) -> np.ndarray:
        """Iteration numbers as float64 (pyqtgraph clips fastest with float x), kept and grown."""
        if len(self._x) < log.count or (log.count and self._x[0] != log.first_iteration):
            capacity = max(1024, 2 * log.count)
            self._x = np.arange(log.first_iteration, log.first_iteration + capacity, dtype=np.float64)
        return self._x[: log.count]

    def refresh(self, log: IterationLog) -> None:
        x = self._iterations(log)
        error = log.error
        for o, curve in enumerate(self.curves):
            curve.setData(x, error[:, o])
        self.total_curve.setData(x, log.error_total)
        self.shown = log.count

    def curve_data(self) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """What each curve draws: name -> (x, y)."""
        data = {curve.name(): curve.getData() for curve in self.curves}
        data["total"] = self.total_curve.getData()
        return data
