"""The error over two chosen weights, every other weight held: a colour map with the path
training took up to the iteration shown, and a colour bar that says what the colours mean. One
weight (a one-weight network, or the same weight chosen twice): the error against it, a curve."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QAbstractListModel, QEvent, QModelIndex, QRectF, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QListView, QVBoxLayout, QWidget

from gdviz.core import bowls
from gdviz.core.dataset import edge_name
from gdviz.ui.guard import answers_qt

MAX_PATH_POINTS = 4000  # a longer path is drawn with every k-th point (its end always)
DOT = "#dc2626"
BOOK_INPUTS = 3  # the book's networks have at most 3 inputs: x and y are its first two weights
CHOICE_ROWS = 2000  # the examples the first choice reads (a 60,000 x 784 batch squared whole: 376 MB)
LISTED_BY_WIDTH = 1000  # more weights than this: a chooser is as wide as its longest name could be, not measured


class EdgeList(QAbstractListModel):
    """Every weight, ``input→output``, output by output; each item's data is ``(output, input)``.

    A model rather than items: a learner's 784 × 10 network has 7,840 weights, and adding them as
    items to the two choosers took ~80 ms while the data set was taken in."""

    def __init__(self, input_names, output_names, parent=None):
        super().__init__(parent)
        self.input_names, self.output_names = list(input_names), list(output_names)

    @answers_qt(lambda *_: 0)
    def rowCount(self, parent=QModelIndex()):  # noqa: N802 (Qt's name)
        return 0 if parent.isValid() else len(self.input_names) * len(self.output_names)

    @answers_qt()
    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        o, i = divmod(index.row(), len(self.input_names))
        if role == Qt.ItemDataRole.DisplayRole:
            return edge_name(self.input_names[i], self.output_names[o], screen=True)
        if role == Qt.ItemDataRole.UserRole:
            return (o, i)
        return None


class SurfaceView(QWidget):
    weights_chosen = Signal()

    def __init__(self, input_names, output_names, parent=None):
        super().__init__(parent)
        self.input_names, self.output_names = list(input_names), list(output_names)
        self.first_box, self.second_box = QComboBox(), QComboBox()
        self.edges = EdgeList(input_names, output_names, self)
        for box in (self.first_box, self.second_box):
            box.setModel(self.edges)
            if self.edges.rowCount() > LISTED_BY_WIDTH:  # measuring every name: one data() call each
                longest = max(map(len, self.input_names)) + 1 + max(map(len, self.output_names))
                box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
                box.setMinimumContentsLength(longest)
                view = box.view()
                if isinstance(view, QListView):
                    view.setUniformItemSizes(True)  # the list opened: no size asked of each of 7,840 items
        self.second_box.setCurrentIndex(1 if self.second_box.count() > 1 else 0)
        # more inputs than the book's: the first two weights may be those of pixels no example
        # inks (the digits' r0c0 and r0c1: a flat square), so the first refresh picks two that matter
        self.choosing = len(self.input_names) > BOOK_INPUTS
        for box, axis in ((self.first_box, "x"), (self.second_box, "y")):
            box.setToolTip(f"The weight on the {axis} axis")
            box.currentIndexChanged.connect(self._chosen_by_hand)
        row = QHBoxLayout()
        row.addWidget(QLabel("x:"))
        row.addWidget(self.first_box)
        self.second_label = QLabel("y:")
        row.addWidget(self.second_label)
        row.addWidget(self.second_box)
        row.addStretch(1)
        self.note = QLabel()  # what cannot be drawn, in words
        self.note.setWordWrap(True)
        self.note.setVisible(False)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.addLayout(row)
        self._layout.addWidget(self.note)
        self._parts: tuple | None = None  # the plot and its items: made when first shown or asked for
        self.one_weight = False
        self._set_one_weight(self.first_box.count() == 1)

    def _chosen_by_hand(self, _index: int) -> None:
        self.choosing = False  # the user's choice stays
        self.weights_chosen.emit()

    def _choose(self, inputs: np.ndarray) -> None:
        """x and y: the first output's two weights whose inputs are largest over the moment's
        examples (the largest mean x², which is how steep the error is along a weight), the
        larger on x; nothing changes when fewer than two inputs are ever other than 0."""
        rows = np.asarray(inputs, dtype=float)[:CHOICE_ROWS]
        with np.errstate(over="ignore", invalid="ignore"):
            size = np.square(rows).mean(axis=0) if rows.size else np.zeros(len(self.input_names))
        size = np.where(np.isfinite(size), size, 0.0)
        first, second = np.argsort(-size, kind="stable")[:2]
        if size[second] > 0:
            for box, input_ in ((self.first_box, first), (self.second_box, second)):
                box.blockSignals(True)  # the refresh under way draws them
                box.setCurrentIndex(int(input_))  # output 0's weights are the first rows
                box.blockSignals(False)

    def _made(self) -> tuple:
        """The plot, image, colour bar, curve, path and dot, made on first use: a pyqtgraph plot
        with a colour bar costs 20-75 ms, which taking a data set in paid for a tab not shown."""
        if self._parts is None:
            plot = pg.PlotWidget()
            image = pg.ImageItem()
            colour_map = pg.colormap.get("viridis")
            image.setColorMap(colour_map)
            plot.addItem(image)
            colour_bar = pg.ColorBarItem(colorMap=colour_map, interactive=False, width=14)
            colour_bar.setImageItem(image, insert_in=plot.getPlotItem())
            curve = plot.plot(pen=pg.mkPen("k", width=2))  # one weight: the error against it
            path = plot.plot(pen=pg.mkPen("#f8fafc", width=1.5), symbol=None)
            dot = pg.ScatterPlotItem(size=10, brush=pg.mkBrush(DOT), pen=pg.mkPen("w"))
            plot.addItem(dot)
            self._parts = (plot, image, colour_bar, curve, path, dot)
            self._layout.addWidget(plot)
            image.setVisible(not self.one_weight)
            colour_bar.setVisible(not self.one_weight)
            curve.setVisible(self.one_weight)
            if self.one_weight:
                plot.getPlotItem().setLabel("left", "total error")
            self._restyle()
        return self._parts

    plot = property(lambda self: self._made()[0])
    image = property(lambda self: self._made()[1])
    colour_bar = property(lambda self: self._made()[2])
    curve = property(lambda self: self._made()[3])
    path = property(lambda self: self._made()[4])
    dot = property(lambda self: self._made()[5])

    @answers_qt()
    def showEvent(self, event):  # noqa: N802
        self._made()
        super().showEvent(event)

    @answers_qt()
    def changeEvent(self, event):  # noqa: N802
        if event.type() == QEvent.Type.PaletteChange and self._parts is not None:
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
        self.curve.setPen(pg.mkPen(text, width=2))
        path = QColor(DOT if self.one_weight else "#f8fafc")
        self.path.setPen(pg.mkPen(path, width=1.5))
        axis = self.colour_bar.getAxis("right")
        axis.setPen(text)
        axis.setTextPen(text)
        axis.enableAutoSIPrefix(False)  # a log scale: "(x0.001)" made −2.7 read −2,700
        axis.setLabel("log₁₀ total error", color=QColor(text).name())

    def chosen(self) -> tuple[tuple[int, int], tuple[int, int]]:
        return self.first_box.currentData(), self.second_box.currentData()

    def refresh(self, weights, inputs, targets, path_weights: np.ndarray) -> None:
        """``path_weights``: the weights before each iteration up to the one shown (K×M×N; a view,
        not copied whole), then ``weights``, the weights shown.

        One weight chosen on both axes (a one-weight network has no other) draws the error
        against that weight, a curve. Numbers too large to draw (inf, NaN, past
        :data:`~gdviz.core.bowls.DRAWABLE`) never raise: the path leaves those points out, the
        colours clip to the finite errors, and when nothing is left the view says so."""
        if self.choosing:
            self.choosing = False
            self._choose(inputs)
        first, second = self.chosen()
        self._set_one_weight(first == second)
        every = max(1, len(path_weights) // MAX_PATH_POINTS)
        path_x = np.append(path_weights[::every, first[0], first[1]], weights[first])
        path_y = np.append(path_weights[::every, second[0], second[1]], weights[second])
        with np.errstate(invalid="ignore"):
            kept = (np.abs(path_x) <= bowls.DRAWABLE) & (np.abs(path_y) <= bowls.DRAWABLE)
        path_x, path_y = path_x[kept], path_y[kept]
        self.plot.getPlotItem().setLabel("bottom", self.first_box.currentText())
        if not kept[-1] or not bowls.drawable(weights, inputs, targets):
            self._too_large()
            return
        xs = self._span(path_x)
        if self.one_weight:
            errors = bowls.error_along(weights, inputs, targets, *first, xs)
            path_errors = bowls.error_along(weights, inputs, targets, *first, path_x)
            if not bowls.drawable(errors, path_errors):
                self._too_large()
                return
            self.note.setVisible(False)
            self.curve.setData(xs, errors)
            self.path.setData(path_x, path_errors)
            self.dot.setData([path_x[-1]], [path_errors[-1]])
            return
        ys = self._span(path_y)
        grid = bowls.surface(weights, inputs, targets, first, second, xs, ys)
        levels = np.log10(grid + 1e-12)
        finite = levels[np.isfinite(levels)]
        if finite.size == 0:
            self._too_large()
            return
        low, high = float(np.min(finite)), float(np.max(finite))
        levels = np.nan_to_num(levels, nan=high, posinf=high, neginf=low)  # clipped to the colours' top
        self.note.setVisible(finite.size < levels.size)
        self.note.setText("Errors too large to draw are shown in the top colour.")
        self.image.setImage(levels, autoLevels=False)
        self.colour_bar.setLevels((low, high if high > low else low + 1))
        self.image.setRect(QRectF(xs[0], ys[0], xs[-1] - xs[0], ys[-1] - ys[0]))
        self.path.setData(path_x, path_y)
        self.dot.setData([path_x[-1]], [path_y[-1]])
        self.plot.getPlotItem().setLabel("left", self.second_box.currentText())

    @staticmethod
    def _span(values: np.ndarray) -> np.ndarray:
        low, high = float(np.min(values)), float(np.max(values))
        pad = max((high - low) * 0.25, 0.25)
        return np.linspace(low - pad, high + pad, 64)

    def _set_one_weight(self, one: bool) -> None:
        """The error against one weight (a curve) or over two (a colour map)."""
        if one == self.one_weight:
            return
        self.one_weight = one
        self.second_label.setVisible(self.second_box.count() > 1)  # a one-weight network has no second
        self.second_box.setVisible(self.second_box.count() > 1)
        if self._parts is None:
            return  # made as it is now when first used
        self.image.setVisible(not one)
        self.colour_bar.setVisible(not one)
        self.curve.setVisible(one)
        self.curve.setData([], [])
        if one:
            self.plot.getPlotItem().setLabel("left", "total error")
        self._restyle()  # the path's colour: light over the colour map, the dot's red over the curve

    def _too_large(self) -> None:
        """Nothing to draw but a word: the numbers are too large (or not numbers)."""
        self.note.setText(f"The error here: {bowls.TOO_LARGE} (a weight, input or error is infinite, "
                          "not a number, or past 1e150).")
        self.note.setVisible(True)
        self.image.clear()
        self.curve.setData([], [])
        self.path.setData([], [])
        self.dot.setData([], [])

    def path_points(self) -> tuple[np.ndarray, np.ndarray]:
        """The path drawn (empty when there is none)."""
        x, y = self.path.xData, self.path.yData
        return (np.zeros(0), np.zeros(0)) if x is None or y is None else (x, y)
