"""The error bowls: for each weight, the error as that weight alone moves."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QComboBox,
    QGraphicsEllipseItem,
    QGraphicsItem,
    QGraphicsLineItem,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from gdviz.core import bowls
from gdviz.core.dataset import edge_name
from gdviz.ui import zoom
from gdviz.ui.guard import answers_qt

MAX_BOWLS = 16  # more weights than this: the bowls of one output at a time (the chooser pages)
MAX_PAGE = 32  # the most bowls of one output shown (its first inputs')
CELL_WIDTH, CELL_HEIGHT = 150, 95  # a bowl's size: more bowls than fit go to more rows (the grid scrolls down)
TANGENT = "#dc2626"
DOT = 9  # the dot's diameter, in pixels
GREY = "#9ca3af"


class BowlsView(QWidget):
    """A parabola per weight, a dot at the weight shown and a short tangent whose slope is
    2 × its next weight_delta. The grid scrolls; big networks show one output's bowls at a time."""

    output_chosen = Signal(int)
    # The grid's scroll area. It hides QWidget.scroll(dx, dy), which nothing calls on this widget.
    scroll: QScrollArea  # type: ignore[assignment]

    def __init__(self, input_names, output_names, parent=None):
        super().__init__(parent)
        self.input_names, self.output_names = list(input_names), list(output_names)
        paged = len(input_names) * len(output_names) > MAX_BOWLS
        self.output: int | None = 0 if paged else None
        self.output_box = QComboBox()
        for o, name in enumerate(output_names):
            self.output_box.addItem(f"output {name}", o)
        self.output_box.setToolTip("Big networks show one output's bowls at a time")
        self.output_box.currentIndexChanged.connect(lambda index: self.set_output(index, announce=True))
        row = QHBoxLayout()
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        self.caption.setToolTip("Each plot: the total error (up) as one weight (across) moves, every other "
                                "weight held. The dot is the weight at the iteration shown; the red tangent's "
                                "slope is 2 × that weight's next weight_delta, so the dot slides downhill.")
        row.addWidget(self.caption, 1)
        row.addWidget(self.output_box)
        self.output_box.setVisible(paged)
        self.graphics = pg.GraphicsLayoutWidget()
        self.scroll = QScrollArea()
        self.scroll.setWidget(self.graphics)
        self.scroll.setWidgetResizable(True)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.scroll, 1)
        self.plots: dict[tuple[int, int], tuple] = {}
        self._built = False  # the plots are made when the tab is first shown (32 plots: ~0.6 s)

    def edges(self) -> list[tuple[int, int]]:
        """The bowls shown: every weight, or one output's; of a learner's 784-input data set, the
        first MAX_PAGE (a plot each: 784 took 20 s to build)."""
        outputs = range(len(self.output_names)) if self.output is None else [self.output]
        return [(o, i) for o in outputs for i in range(min(len(self.input_names), MAX_PAGE))]

    def columns(self) -> int:
        """As many bowls across as the width holds, the vertical scroll bar's room kept whether it
        shows or not: the grid scrolls one way only (down), never sideways too."""
        room = self.scroll.width() - 2 * self.scroll.frameWidth() - self.scroll.verticalScrollBar().sizeHint().width()
        return max(1, min(len(self.input_names), (room - 8) // CELL_WIDTH))

    def set_output(self, output: int, announce: bool = False) -> None:
        if self.output is not None and output != self.output:
            self.output = output
            self.output_box.blockSignals(True)
            self.output_box.setCurrentIndex(output)
            self.output_box.blockSignals(False)
            if self._built:
                self._build()
            if announce:
                self.output_chosen.emit(output)

    @answers_qt()
    def showEvent(self, event):  # noqa: N802
        super().showEvent(event)
        if not self._built:
            self._build()

    @answers_qt()
    def resizeEvent(self, event):  # noqa: N802
        super().resizeEvent(event)
        if self.plots and self.columns() != self._built_columns:
            self._build()

    @answers_qt()
    def changeEvent(self, event):  # noqa: N802
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.FontChange) and self.plots:  # View → Zoom
            self._build()
        super().changeEvent(event)

    def _build(self) -> None:
        self._built = True
        self.graphics.clear()
        self.plots = {}
        self._greyed: dict[tuple[int, int], tuple[bool, bool]] = {}  # each plot's style: (frozen, empty)
        self._ranges: dict[tuple[int, int], tuple[tuple[float, float], float]] = {}  # each plot's axes
        self._built_columns = columns = self.columns()
        palette = self.palette()
        text = palette.windowText().color()
        self.graphics.setBackground(palette.base().color())
        edges = self.edges()
        rows = math.ceil(len(edges) / columns)
        self.graphics.setMinimumHeight(rows * CELL_HEIGHT)  # as wide as the view: columns() fits them
        for k, (o, i) in enumerate(edges):
            plot = self.graphics.addPlot(row=k // columns, col=k % columns)
            plot.setTitle(self._title(o, i, False), size=f"{zoom.scaled(9):g}pt", color=text)
            plot.setMenuEnabled(False)
            plot.hideButtons()
            plot.disableAutoRange()  # refresh sets the range it knows: auto-range re-scans every item
            tick_font = QFont(self.font().family())
            tick_font.setPointSizeF(zoom.scaled(7))  # View → Zoom
            for side in ("left", "bottom"):
                plot.getAxis(side).setPen(text)
                plot.getAxis(side).setTextPen(text)
                plot.getAxis(side).setStyle(tickFont=tick_font)
            # bare curve items: a PlotDataItem's setData costs three times as much, and scrubbing
            # through the log redraws every bowl at each move
            curve = pg.PlotCurveItem(pen=pg.mkPen(text, width=1.5))
            plot.addItem(curve)
            # the tangent and the dot are plain Qt items that are moved, not re-plotted: a
            # scatter or curve item's setData and bounds cost ten times as much at every move
            tangent = QGraphicsLineItem()
            tangent.setPen(pg.mkPen(TANGENT, width=2))  # cosmetic: 2 px whatever the axes' scale
            plot.addItem(tangent, ignoreBounds=True)
            dot = QGraphicsEllipseItem(-DOT / 2, -DOT / 2, DOT, DOT)  # in pixels, centred on its position
            dot.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
            dot.setPen(Qt.PenStyle.NoPen)
            dot.setBrush(pg.mkBrush(TANGENT))
            dot.setZValue(1)
            plot.addItem(dot, ignoreBounds=True)
            self.plots[(o, i)] = (plot, curve, tangent, dot)
        what = "Error (up) as each weight alone moves (across); dot: the weight now; red: its slope"
        shown = (f"first {len(edges)} of its {len(self.input_names):,} weights" if len(self.input_names) > MAX_PAGE
                 else f"{len(edges)} weights")
        self._caption = (f"{what}. Output {self.output_names[self.output]}'s {shown}:"
                         if self.output is not None else f"{what}.")
        self.caption.setText(self._caption)
        self._last = None
        if getattr(self, "_arguments", None) is not None:
            self.refresh(*self._arguments)

    def _title(self, o: int, i: int, frozen: bool, blank: bool = False) -> str:
        name = edge_name(self.input_names[i], self.output_names[o], screen=True)
        name = f"{name} (frozen)" if frozen else name
        return f"{name}: too large" if blank else name

    def refresh(self, weights, inputs, targets, frozen, path=None) -> None:
        """``inputs``/``targets``: the next iteration's example (1×…) or, in batch mode, every example.
        ``path``: the weights before each logged iteration (rows × outputs × inputs, read in
        place), so that each bowl's axes span everywhere its weight has been and hold still while
        the learner moves through the log (redrawing axes is most of a bowl's cost).

        Numbers too large to draw never raise: a bowl whose weight or range is infinite, NaN or
        past :data:`~gdviz.core.bowls.DRAWABLE` is left empty and says so in its title, the
        points of a bowl whose error overflows are left out, and the caption counts the empty ones."""
        if not self._built:
            self._build()
        self._arguments = (weights, inputs, targets, frozen, path)
        current = bowls.total_error(weights, inputs, targets)
        text = self.palette().windowText().color()
        travelled = self._travelled(path)
        data_drawable = bowls.drawable(inputs, targets)
        empty = 0
        for (o, i), (plot, curve, tangent, dot) in self.plots.items():
            low, high = bowls.bowl_range(weights, inputs, targets, o, i)
            if travelled is not None and bowls.drawable(travelled[0][o, i], travelled[1][o, i]):
                span = max(abs(travelled[1][o, i] - travelled[0][o, i]), high - low) * 0.15
                low, high = min(low, travelled[0][o, i] - span), max(high, travelled[1][o, i] + span)
            w = float(weights[o, i])
            errors = np.empty(0)
            if data_drawable and bowls.drawable(low, high, high - low, w):
                values = np.linspace(low, high, 41)
                errors = bowls.error_along(weights, inputs, targets, o, i, values)
            finite = np.isfinite(errors)
            blank = not finite.any()
            grey = bool(frozen[o, i])
            if blank:
                empty += 1
                curve.setData([], [])
                dot.setVisible(False)
                tangent.setVisible(False)
            else:
                curve.setData(values[finite], errors[finite])  # an overflowing error: that point left out
                self._hold_range(plot, (o, i), low, high, errors)
                slope = bowls.slope(weights, inputs, targets, o, i)
                half = (high - low) * 0.08
                ends = (w - half, current - slope * half, w + half, current + slope * half)
                drawable = all(math.isfinite(value) for value in ends)  # a diverged run: no dot
                if drawable:
                    tangent.setLine(*ends)
                    dot.setPos(w, current)
                dot.setVisible(drawable)
                tangent.setVisible(drawable and not grey)  # a frozen weight has no slope: the dot alone
            if self._greyed.get((o, i)) == (grey, blank):
                continue  # restyling costs as much as the data: only when a weight is frozen or thawed
            self._greyed[(o, i)] = (grey, blank)
            colour = QColor(GREY) if grey or blank else text
            curve.setPen(pg.mkPen(colour, width=1.5, style=Qt.PenStyle.DashLine if grey else Qt.PenStyle.SolidLine))
            dot.setBrush(pg.mkBrush(GREY if grey else TANGENT))
            plot.setTitle(self._title(o, i, grey, blank), size=f"{zoom.scaled(9):g}pt", color=colour)
        note = f" {empty} of {len(self.plots)}: {bowls.TOO_LARGE} (infinite, not a number, or past 1e150)." \
            if empty else ""
        if self.caption.text() != self._caption + note:
            self.caption.setText(self._caption + note)

    def _travelled(self, path):
        """The smallest and largest value each weight took along ``path`` (kept up to date as
        rows are added: only new rows are read)."""
        if path is None or len(path) == 0:
            self._span = None
            return None
        span = getattr(self, "_span", None)
        if span is None or span[0] != id(path.base if path.base is not None else path) or span[1] > len(path):
            low, high = path.min(axis=0), path.max(axis=0)
        else:
            new = path[span[1]:]
            low, high = span[2], span[3]
            if len(new):
                low, high = np.minimum(low, new.min(axis=0)), np.maximum(high, new.max(axis=0))
        self._span = (id(path.base if path.base is not None else path), len(path), low, high)
        return low, high

    def _hold_range(self, plot, edge, low: float, high: float, errors: np.ndarray) -> None:
        """Set a bowl's range only when it has to change: x to [low, high], y from 0 to the
        highest error it has had to show."""
        finite = errors[np.isfinite(errors)]
        top = float(np.max(finite)) if finite.size else 1.0
        shown = self._ranges.get(edge)
        if shown is not None and shown[0] == (low, high) and top <= shown[1]:
            return
        top = max(top, shown[1] if shown is not None and shown[0] == (low, high) else 0.0, 1e-12)
        self._ranges[edge] = ((low, high), top)
        plot.setRange(xRange=(low, high), yRange=(0.0, top), padding=0.04)
