"""The error bowls: for each weight, the error as that weight alone moves.

The bowls come a page at a time, as many as fit whole in the view (at least 150 × 95 px each),
with Previous / Next and "bowls 13–24 of 640": a grid that scrolled both ways cut bowls off at
its edges. A big network's pages follow its outputs (one output's bowls, then the next's), and
the output chooser goes to an output's first page.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetricsF
from PySide6.QtWidgets import (
    QComboBox,
    QGraphicsEllipseItem,
    QGraphicsItem,
    QGraphicsLineItem,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gdviz.core import bowls
from gdviz.core.dataset import edge_name
from gdviz.ui import zoom
from gdviz.ui.guard import answers_qt

MAX_BOWLS = 16  # more weights than this: pages follow the outputs (the chooser goes to an output's first)
MAX_PAGE = 32  # the most bowls on a page (a plot each: 32 took ~0.6 s to build)
CELL_WIDTH, CELL_HEIGHT = 150, 95  # a bowl's smallest size at 100 %: as many as fit whole make a page
TANGENT = "#dc2626"
DOT = 9  # the dot's diameter, in pixels
GREY = "#9ca3af"


class BowlAxis(pg.AxisItem):
    """A bowl's axis whose labels never crowd: pyqtgraph asks for 2.25 intervals at least, and
    draws its first level's labels whatever their room, which on a bowl 50 px high put six labels
    (0 to 1 by 0.2) in the room of three, and across one 170 px wide fourteen (−4 to 9). Here the
    major ticks are spread (1, 2, 5 × 10ⁿ) until the labels fit: 1.5 lines each up the side,
    their widest text and a gap across."""

    def tickSpacing(self, minVal, maxVal, size):  # noqa: N802, N803 (pyqtgraph's names)
        levels = super().tickSpacing(minVal, maxVal, size)
        span = abs(maxVal - minVal)
        if not levels or not span or not math.isfinite(span) or size <= 0:
            return levels
        metrics = QFontMetricsF(self.style.get("tickFont") or self.font())
        up = self.orientation in ("left", "right")

        def fits(step: float) -> bool:
            count = math.floor(span / step) + 1
            if up:
                return count * metrics.height() * 1.5 <= size
            low = math.ceil(min(minVal, maxVal) / step) * step
            texts = self.tickStrings([low, low + step * (count - 1)], 1.0, step)
            return count * (max(metrics.horizontalAdvance(text) for text in texts) + metrics.height()) <= size

        major = levels[0][0]
        if fits(major):
            return levels
        power = 10.0 ** math.floor(math.log10(major))
        steps = [power * k for k in (2, 5, 10, 20, 50, 100, 200, 500, 1000)]
        return [(next((step for step in steps if step > major and fits(step)), steps[-1]), 0)]


class BowlsView(QWidget):
    """A parabola per weight, a dot at the weight shown and a short tangent whose slope is
    2 × its next weight_delta. A page of whole bowls at a time; big networks page through one
    output's bowls, then the next output's."""

    output_chosen = Signal(int)

    def __init__(self, input_names, output_names, parent=None):
        super().__init__(parent)
        self.input_names, self.output_names = list(input_names), list(output_names)
        paged = len(input_names) * len(output_names) > MAX_BOWLS
        self.output: int | None = 0 if paged else None  # the output of the page's first bowl
        self.first = 0  # the page's first bowl, counted over every weight (outputs, then inputs)
        self.output_box = QComboBox()
        for o, name in enumerate(output_names):
            self.output_box.addItem(f"output {name}", o)
        self.output_box.setToolTip("Go to an output's bowls (big networks page through one output's bowls, "
                                   "then the next's)")
        self.output_box.currentIndexChanged.connect(lambda index: self.set_output(index, announce=True))
        self.previous_button = QPushButton("◀ Previous")
        self.next_button = QPushButton("Next ▶")
        self.previous_button.setToolTip("The previous page of bowls")
        self.next_button.setToolTip("The next page of bowls")
        self.previous_button.clicked.connect(lambda: self.turn(-1))
        self.next_button.clicked.connect(lambda: self.turn(1))
        self.page_label = QLabel()
        self.page_label.setToolTip("The bowls on this page (a big network's: counted within the output, "
                                   "one bowl per input; Next goes on to the next output's)")
        row = QHBoxLayout()
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        self.caption.setToolTip("Each plot: the total error (up) as one weight (across) moves, every other "
                                "weight held. The dot is the weight at the iteration shown; the red tangent's "
                                "slope is 2 × that weight's next weight_delta, so the dot slides downhill.")
        row.addWidget(self.caption, 1)
        row.addWidget(self.output_box)
        self.output_box.setVisible(paged)
        pager = QHBoxLayout()
        pager.addWidget(self.previous_button)
        pager.addWidget(self.page_label)
        pager.addWidget(self.next_button)
        pager.addStretch(1)
        self.graphics = pg.GraphicsLayoutWidget()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addLayout(pager)
        layout.addWidget(self.graphics, 1)
        self.plots: dict[tuple[int, int], tuple] = {}
        self._built = False  # the plots are made when the tab is first shown (32 plots: ~0.6 s)
        self._built_grid = (0, 0)
        self.graphics.installEventFilter(self)  # a page as big as the grid's room: see eventFilter

    def total(self) -> int:
        """Every weight's bowl, over all the pages."""
        return len(self.input_names) * len(self.output_names)

    def grid(self) -> tuple[int, int]:
        """(columns, rows) of whole bowls that the view's room holds, at least one of each; no
        more across than the inputs (a row is one output's), no more than MAX_PAGE in all."""
        width, height = self.graphics.width(), self.graphics.height()
        if not self.isVisible():  # not laid out yet (a view refreshed before it is shown)
            width, height = self.width(), self.height() - 60
        cell_width, cell_height = CELL_WIDTH * zoom.factor(), CELL_HEIGHT * zoom.factor()
        columns = max(1, min(len(self.input_names) or 1, int((width - 8) // cell_width), MAX_PAGE))
        rows = max(1, min(int((height - 4) // cell_height), MAX_PAGE // columns))
        return columns, rows

    def page_size(self) -> int:
        columns, rows = self.grid()
        return columns * rows

    def page_starts(self) -> list[int]:
        """Where each page starts (a bowl's number, from 0): pages of whole bowls, a big
        network's following its outputs (an output's last page may be short)."""
        size, n = self.page_size(), len(self.input_names)
        if self.output is None:  # a book network: its bowls in one run
            return list(range(0, self.total(), size))
        return [o * n + i for o in range(len(self.output_names)) for i in range(0, n, size)]

    def edges(self) -> list[tuple[int, int]]:
        """The bowls on the page shown: (output, input) each."""
        n = len(self.input_names)
        end = self.first + self.page_size()
        if self.output is not None:  # within the page's output
            end = min(end, (self.first // n + 1) * n)
        return [divmod(k, n) for k in range(self.first, min(end, self.total()))]

    def page_text(self) -> str:
        """``bowls 1–9 of 9``; a big network's counted within the page's output, as its caption
        names it (``bowls 1–9 of 64 (output 0)``, not "of 640" under "Output 0's weights")."""
        edges = self.edges()
        first, last, total, whose = self.first + 1, self.first + len(edges), self.total(), ""
        if self.output is not None:
            n = len(self.input_names)
            first, last, total = first - self.output * n, last - self.output * n, n
            whose = f" (output {self.output_names[self.output]})"
        if last > first:
            return f"bowls {first:,}–{last:,} of {total:,}{whose}"
        return f"bowl {first:,} of {total:,}{whose}"

    def turn(self, pages: int) -> None:
        """Previous (-1) or Next (+1) page."""
        starts = self.page_starts()
        here = max((k for k, start in enumerate(starts) if start <= self.first), default=0)
        self._go_to(starts[max(0, min(len(starts) - 1, here + pages))], announce=True)

    def _go_to(self, first: int, announce: bool = False) -> None:
        """Show the page that starts at bowl ``first``."""
        if first == self.first and self._built:
            return
        self.first = first
        output = first // max(len(self.input_names), 1)
        if self.output is not None and output != self.output:
            self.output = output
            self.output_box.blockSignals(True)
            self.output_box.setCurrentIndex(output)
            self.output_box.blockSignals(False)
            if announce:
                self.output_chosen.emit(output)
        if self._built:
            self._build(reuse=True)

    def set_output(self, output: int, announce: bool = False) -> None:
        """Go to ``output``'s first page (a big network's)."""
        if self.output is not None and output != self.output:
            self.first = -1  # (so that _go_to builds even when the page starts where the last did)
            self._go_to(output * len(self.input_names))
            if announce:
                self.output_chosen.emit(output)

    @answers_qt()
    def showEvent(self, event):  # noqa: N802
        super().showEvent(event)
        if not self._built:
            self._build()

    @answers_qt(lambda *_: False)
    def eventFilter(self, watched, event):  # noqa: N802
        # the grid's own size, not the view's: the caption above it wraps onto more lines as the
        # view narrows, and the grid loses that height
        if watched is self.graphics and event.type() == QEvent.Type.Resize and self.plots \
                and self.grid() != self._built_grid:
            # the page that holds the bowl that was first: the learner keeps their place
            starts = self.page_starts()
            self.first = max((start for start in starts if start <= self.first), default=0)
            self._build()
        return False

    @answers_qt()
    def changeEvent(self, event):  # noqa: N802
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.FontChange) and self.plots:  # View → Zoom
            self._build()
        super().changeEvent(event)

    def _build(self, reuse: bool = False) -> None:
        """Lay out the page's bowls; with ``reuse`` (a page turned, the grid the same) the plots
        already made show the new page's weights: making 9 plots took ~0.35 s a page."""
        self._built = True
        self._greyed: dict[tuple[int, int], tuple[bool, bool]] = {}  # each plot's style: (frozen, empty)
        self._ranges: dict[tuple[int, int], tuple[tuple[float, float], float]] = {}  # each plot's axes
        palette = self.palette()
        text = palette.windowText().color()
        edges = self.edges()
        slots = getattr(self, "_slots", [])
        if reuse and self._built_grid == self.grid() and len(edges) <= len(slots):
            self.plots = {}
            for slot, (o, i) in zip(slots, edges):
                slot[0].setTitle(self._title(o, i, False), size=f"{zoom.scaled(9):g}pt", color=text)
                slot[0].setVisible(True)
                self.plots[(o, i)] = slot
            for slot in slots[len(edges):]:  # a short last page
                slot[0].setVisible(False)
            self._show_page(edges)
            return
        self.graphics.clear()
        self.plots = {}
        self._slots: list[tuple] = []
        self._built_grid = self.grid()
        columns = self._built_grid[0]
        self.graphics.setBackground(palette.base().color())
        for k, (o, i) in enumerate(edges):
            plot = self.graphics.addPlot(row=k // columns, col=k % columns,
                                         axisItems={side: BowlAxis(side) for side in ("left", "bottom")})
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
            self._slots.append(self.plots[(o, i)])
        self._show_page(edges)

    def _show_page(self, edges: list[tuple[int, int]]) -> None:
        """The caption, the pager and the bowls' curves for the page just laid out."""
        what = "Error (up) as each weight alone moves (across); dot: the weight now; red: its slope"
        self._caption = (f"{what}. Output {self.output_names[self.output]}'s weights:"
                         if self.output is not None else f"{what}.")
        self.caption.setText(self._caption)
        self.page_label.setText(self.page_text())
        # (the pager stays when every bowl fits one page: hiding it would change the room, and
        # with it the page)
        self.previous_button.setEnabled(self.first > 0)
        self.next_button.setEnabled(bool(edges) and self.first + len(edges) < self.total())
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
