"""Views that show *why* each weight moves: the book's arithmetic, error bowls, the error surface."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Signal
from PySide6.QtGui import QColor, QFont, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from gdviz.core import bowls
from gdviz.core.arithmetic import Line, iteration_lines
from gdviz.core.log import IterationLog

MAX_BOWLS = 16  # more weights than this: the bowls of one output at a time
HIGHLIGHT = QColor(250, 204, 21, 110)


class ArithmeticView(QWidget):
    """The last iteration's numbers in the book's layout; copyable; one edge's lines highlighted."""

    def __init__(self, input_names, output_names, parent=None):
        super().__init__(parent)
        self.input_names, self.output_names = list(input_names), list(output_names)
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setLineWrapMode(QPlainTextEdit.WidgetWidth)  # long sums wrap, never hide
        font = QFont("monospace")
        font.setStyleHint(QFont.TypeWriter)
        self.text.setFont(font)
        self.text.setToolTip("The last iteration, as the book writes it. Select and copy (Ctrl+C) any of it.")
        self.output_box = QComboBox()
        self.output_box.addItem("all outputs", -1)
        for o, name in enumerate(output_names):
            self.output_box.addItem(name, o)
        self.output_box.setToolTip("Show the lines of one output")
        if len(output_names) > 3:
            self.output_box.setCurrentIndex(1)
        self.output_box.currentIndexChanged.connect(lambda _i: self._render())
        self.output_box.setVisible(len(output_names) > 1)
        row = QHBoxLayout()
        row.addWidget(QLabel("The last iteration, step by step"), 1)
        row.addWidget(self.output_box)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.text)
        self.lines: list[Line] = []
        self.selected: tuple[int, int] | None = None
        self.phase: str | None = None  # when stepping by phase: show the lines up to this phase

    def show_row(self, log: IterationLog, row: int | None, frozen, phase: str | None = None) -> None:
        self.lines = [] if row is None else iteration_lines(log, row, self.input_names, self.output_names, frozen)
        self.phase = phase
        self._render()

    def select_edge(self, edge: tuple[int, int] | None) -> None:
        self.selected = edge
        if edge is not None and self.output_box.currentData() not in (-1, edge[0]):
            self.output_box.setCurrentIndex(edge[0] + 1)  # renders
        else:
            self._render()

    def visible_lines(self) -> list[Line]:
        output = self.output_box.currentData()
        phases = {"predict": ("predict",), "compare": ("predict", "compare")}.get(self.phase)
        return [line for line in self.lines if (output == -1 or line.output in (output, -1))
                and (phases is None or line.phase in phases)]

    def _render(self) -> None:
        lines = self.visible_lines()
        text = "\n".join(line.text for line in lines) if lines else "Step once to see the arithmetic of an iteration."
        if text != self.text.toPlainText():
            self.text.setPlainText(text)
        selections = []
        if self.selected is not None:
            output, input_ = self.selected
            marked = QTextCharFormat()
            marked.setBackground(HIGHLIGHT)
            marked.setProperty(QTextCharFormat.FullWidthSelection, True)
            block = self.text.document().firstBlock()
            for line in lines:
                if line.output == output and line.input in (None, input_):
                    selection = QTextEdit.ExtraSelection()
                    selection.cursor = QTextCursor(block)
                    selection.format = marked
                    selections.append(selection)
                block = block.next()
        self.text.setExtraSelections(selections)

    def highlighted_texts(self) -> list[str]:
        return [s.cursor.block().text() for s in self.text.extraSelections()]


class BowlsView(pg.GraphicsLayoutWidget):
    """For each weight, the error as that weight alone moves: a parabola, the current weight as a
    dot, and the slope (2 × weight_delta) as a short tangent."""

    def __init__(self, input_names, output_names, parent=None):
        super().__init__(parent)
        self.setBackground(self.palette().base().color())
        self.input_names, self.output_names = list(input_names), list(output_names)
        self.output = 0 if len(input_names) * len(output_names) > MAX_BOWLS else None
        self.plots: dict[tuple[int, int], tuple] = {}
        self._build()

    def edges(self) -> list[tuple[int, int]]:
        outputs = range(len(self.output_names)) if self.output is None else [self.output]
        return [(o, i) for o in outputs for i in range(len(self.input_names))]

    def set_output(self, output: int) -> None:
        if self.output is not None and output != self.output:
            self.output = output
            self.clear()
            self._build()

    def _build(self) -> None:
        self.plots = {}
        self._greyed: dict[tuple[int, int], bool] = {}  # each plot's style: greyed (frozen) or not
        columns = len(self.input_names) if self.output is None else min(len(self.input_names), 6)
        text = self.palette().windowText().color()
        for k, (o, i) in enumerate(self.edges()):
            plot = self.addPlot(row=k // columns, col=k % columns)
            plot.setTitle(f"{self.input_names[i]}→{self.output_names[o]}", size="9pt", color=text)
            plot.setMenuEnabled(False)
            plot.hideButtons()
            for side in ("left", "bottom"):
                plot.getAxis(side).setPen(text)
                plot.getAxis(side).setTextPen(text)
                plot.getAxis(side).setStyle(tickFont=QFont(self.font().family(), 7))
            curve = plot.plot(pen=pg.mkPen(text, width=1.5))
            tangent = plot.plot(pen=pg.mkPen("#dc2626", width=2))
            dot = pg.ScatterPlotItem(size=9, brush=pg.mkBrush("#dc2626"), pen=None)
            plot.addItem(dot)
            self.plots[(o, i)] = (plot, curve, tangent, dot)

    def refresh(self, weights, inputs, targets, frozen) -> None:
        """``inputs``/``targets``: the current example (1×…) or, in batch mode, every example."""
        current = bowls.total_error(weights, inputs, targets)
        for (o, i), (plot, curve, tangent, dot) in self.plots.items():
            low, high = bowls.bowl_range(weights, inputs, targets, o, i)
            values = np.linspace(low, high, 81)
            curve.setData(values, bowls.error_along(weights, inputs, targets, o, i, values))
            w = float(weights[o, i])
            slope = bowls.slope(weights, inputs, targets, o, i)
            half = (high - low) * 0.12
            tangent.setData([w - half, w + half], [current - slope * half, current + slope * half])
            dot.setData([w], [current])
            grey = bool(frozen[o, i])
            if self._greyed.get((o, i)) == grey:
                continue  # restyling costs as much as the data: only when a weight is frozen or thawed
            self._greyed[(o, i)] = grey
            colour = "#9ca3af" if grey else self.palette().windowText().color()
            curve.setPen(pg.mkPen(colour, width=1.5, style=pg.QtCore.Qt.DashLine if grey else pg.QtCore.Qt.SolidLine))
            tangent.setVisible(not grey)
            dot.setBrush(pg.mkBrush("#9ca3af" if grey else "#dc2626"))
            plot.setTitle(f"{self.input_names[i]}→{self.output_names[o]}{' (frozen)' if grey else ''}",
                          size="9pt", color=colour)


class SurfaceView(QWidget):
    """The error over two chosen weights (others held) as a filled map, with the training path."""

    weights_chosen = Signal()

    def __init__(self, input_names, output_names, parent=None):
        super().__init__(parent)
        self.input_names, self.output_names = list(input_names), list(output_names)
        self.first_box, self.second_box = QComboBox(), QComboBox()
        for o, out in enumerate(output_names):
            for i, name in enumerate(input_names):
                for box in (self.first_box, self.second_box):
                    box.addItem(f"{name}→{out}", (o, i))
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
        self.plot = pg.PlotWidget(background=self.palette().base().color())
        self.image = pg.ImageItem()
        self.image.setColorMap(pg.colormap.get("viridis"))
        self.plot.addItem(self.image)
        self.path = self.plot.plot(pen=pg.mkPen("#f8fafc", width=1.5), symbol=None)
        self.path.setDownsampling(auto=True, method="peak")
        self.dot = pg.ScatterPlotItem(size=10, brush=pg.mkBrush("#dc2626"), pen=pg.mkPen("w"))
        self.plot.addItem(self.dot)
        self.plot.getPlotItem().setLabel("bottom", self.first_box.currentText())
        self.plot.getPlotItem().setLabel("left", self.second_box.currentText())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.plot)

    def chosen(self) -> tuple[tuple[int, int], tuple[int, int]]:
        return self.first_box.currentData(), self.second_box.currentData()

    def refresh(self, weights, inputs, targets, log: IterationLog) -> None:
        first, second = self.chosen()
        path_x = np.append(log.weights[:, first[0], first[1]], weights[first])
        path_y = np.append(log.weights[:, second[0], second[1]], weights[second])
        def span(values):
            low, high = float(values.min()), float(values.max())
            pad = max((high - low) * 0.25, 0.25)
            return np.linspace(low - pad, high + pad, 64)
        xs, ys = span(path_x), span(path_y)
        if first == second:
            grid = np.tile(bowls.error_along(weights, inputs, targets, *first, xs)[:, None], (1, len(ys)))
        else:
            grid = bowls.surface(weights, inputs, targets, first, second, xs, ys)
        self.image.setImage(np.log10(grid + 1e-12), autoLevels=True)
        self.image.setRect(pg.QtCore.QRectF(xs[0], ys[0], xs[-1] - xs[0], ys[-1] - ys[0]))
        self.path.setData(path_x, path_y)
        self.dot.setData([weights[first]], [weights[second]])
        self.plot.getPlotItem().setLabel("bottom", self.first_box.currentText())
        self.plot.getPlotItem().setLabel("left", self.second_box.currentText())

    def path_points(self) -> tuple[np.ndarray, np.ndarray]:
        return self.path.xData, self.path.yData


