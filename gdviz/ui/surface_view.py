"""The error over two chosen weights, every other weight held: a colour map with the path
training took up to the iteration shown, and a colour bar that says what the colours mean."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QRectF, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from gdviz.core import bowls
from gdviz.core.dataset import edge_name

MAX_PATH_POINTS = 4000  # a longer path is drawn with every k-th point (its end always)
DOT = "#dc2626"


class SurfaceView(QWidget):
    weights_chosen = Signal()

    def __init__(self, input_names, output_names, parent=None):
        super().__init__(parent)
        self.input_names, self.output_names = list(input_names), list(output_names)
        self.first_box, self.second_box = QComboBox(), QComboBox()
        for o, out in enumerate(output_names):
            for i, name in enumerate(input_names):
                for box in (self.first_box, self.second_box):
                    box.addItem(edge_name(name, out, screen=True), (o, i))
        self.second_box.setCurrentIndex(1 if self.second_box.count() > 1 else 0)
        for box, axis in ((self.first_box, "x"), (self.second_box, "y")):
            box.setToolTip(f"The weight on the {axis} axis")
            box.currentIndexChanged.connect(lambda _i: self.weights_chosen.emit())
        row = QHBoxLayout()
        row.addWidget(QLabel("x:"))
        row.addWidget(self.first_box)
        row.addWidget(QLabel("y:"))
        row.addWidget(self.second_box)
        row.addStretch(1)
        self.plot = pg.PlotWidget()
        self.image = pg.ImageItem()
        colour_map = pg.colormap.get("viridis")
        self.image.setColorMap(colour_map)
        self.plot.addItem(self.image)
        self.colour_bar = pg.ColorBarItem(colorMap=colour_map, interactive=False, width=14)
        self.colour_bar.setImageItem(self.image, insert_in=self.plot.getPlotItem())
        self.path = self.plot.plot(pen=pg.mkPen("#f8fafc", width=1.5), symbol=None)
        self.dot = pg.ScatterPlotItem(size=10, brush=pg.mkBrush(DOT), pen=pg.mkPen("w"))
        self.plot.addItem(self.dot)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.plot)
        self._restyle()

    def changeEvent(self, event):  # noqa: N802
        if event.type() == QEvent.Type.PaletteChange:
            self._restyle()
        super().changeEvent(event)

    def _restyle(self) -> None:
        palette = self.palette()
        text = palette.windowText().color()
        self.plot.setBackground(palette.base().color())
        item = self.plot.getPlotItem()
        for side in ("left", "bottom"):
            item.getAxis(side).setPen(text)
            item.getAxis(side).setTextPen(text)
            item.getAxis(side).enableAutoSIPrefix(False)  # weights as they are, not "(x0.001)"
        axis = self.colour_bar.getAxis("right")
        axis.setPen(text)
        axis.setTextPen(text)
        axis.setLabel("log₁₀ total error", color=QColor(text).name())

    def chosen(self) -> tuple[tuple[int, int], tuple[int, int]]:
        return self.first_box.currentData(), self.second_box.currentData()

    def refresh(self, weights, inputs, targets, path_weights: np.ndarray) -> None:
        """``path_weights``: the weights before each iteration up to the one shown (K×M×N; a view,
        not copied whole), then ``weights``, the weights shown."""
        first, second = self.chosen()
        every = max(1, len(path_weights) // MAX_PATH_POINTS)
        path_x = np.append(path_weights[::every, first[0], first[1]], weights[first])
        path_y = np.append(path_weights[::every, second[0], second[1]], weights[second])

        def span(values):
            low, high = float(values.min()), float(values.max())
            pad = max((high - low) * 0.25, 0.25)
            return np.linspace(low - pad, high + pad, 64)

        xs, ys = span(path_x), span(path_y)
        if first == second:
            grid = np.tile(bowls.error_along(weights, inputs, targets, *first, xs)[:, None], (1, len(ys)))
        else:
            grid = bowls.surface(weights, inputs, targets, first, second, xs, ys)
        levels = np.log10(grid + 1e-12)
        self.image.setImage(levels, autoLevels=False)
        low, high = float(levels.min()), float(levels.max())
        self.colour_bar.setLevels((low, high if high > low else low + 1))
        self.image.setRect(QRectF(xs[0], ys[0], xs[-1] - xs[0], ys[-1] - ys[0]))
        self.path.setData(path_x, path_y)
        self.dot.setData([weights[first]], [weights[second]])
        self.plot.getPlotItem().setLabel("bottom", self.first_box.currentText())
        self.plot.getPlotItem().setLabel("left", self.second_box.currentText())

    def path_points(self) -> tuple[np.ndarray, np.ndarray]:
        return self.path.xData, self.path.yData
