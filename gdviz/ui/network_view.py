"""The network as a node/edge diagram: inputs on the left, outputs on the right.

Edge thickness follows |weight| (the largest is thick, a weight near 0 a hairline that stays
visible), colour follows sign, frozen weights are dashed, and the strongest edges are drawn on
top. The diagram says which moment it shows: "weights after iteration 3" over the inputs and
"pred of iteration 3 / target" over the outputs (iteration 3's pred was made with the weights
after iteration 2; the edges show them after iteration 3 has moved them). Its numbers are
written as everywhere in the window (View → Digits); a weight that is not finite (or beyond
what the widths can say) is drawn as thick as the thickest, never raising. Hover and selection
are shown by an outline, never by thickness (which means |weight|).
Label columns have a fixed width, worked out from the widest text a label can hold, so the
columns hold still while numbers change. When the nodes are closer than a line of text, only
every k-th label is written, so labels never overlap. Hovering an edge shows its weight and
weight_delta; right-clicking it asks to freeze or thaw it.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPen, QPolygonF
from PySide6.QtWidgets import QMenu, QToolTip, QWidget

from gdviz.core.dataset import edge_name
from gdviz.core.numbers import DEFAULT_DIGITS, EVERY, Digits, format_number, widest_text
from gdviz.ui import style, zoom
from gdviz.ui.guard import answers_qt

HAIRLINE = 0.8
THICKEST = 9.0
OUTPUT_HEADER = "pred / target"  # over the outputs' labels: "hurt  0.555 / 0.1" (the narrowest it gets)
NO_VALUE = "–"  # a pred not worked out yet
WIDEST_ITERATION = 8_888_888  # the headers' room is made for it, so the nodes hold still as the count grows


THICKNESS = "thickness ∝ |weight|"


def ordinal(k: int) -> str:
    """2nd, 3rd, 4th, 11th, 22nd."""
    suffix = "th" if 10 <= k % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(k % 10, "th")
    return f"{k}{suffix}"


def pred_header(pred_of: int | None) -> str:
    """Over the outputs' labels: whose pred they show."""
    return OUTPUT_HEADER if pred_of is None else f"pred of iteration {pred_of:,} / target"


def weight_caption(weights_after: int | None) -> str:
    """An edge's tooltip: which weight it gives (every digit of it)."""
    if weights_after is None:
        return "weight"
    return "initial weight" if weights_after == 0 else f"weight after iteration {weights_after:,}"


def weights_caption(weights_after: int | None) -> str:
    """Over the inputs: which weights the edges show."""
    if weights_after is None:
        return ""
    return "initial weights (iteration 0)" if weights_after == 0 else f"weights after iteration {weights_after:,}"



BATCHED_EDGES = 256
"""Past this many edges (16×16) the diagram draws its edges a pen at a time (see _paint_edges_batched)."""
SMALLEST_POINTS, LARGEST_POINTS = 9.0, 10.5  # the labels' sizes at 100 % (9 pt: 12 px at 96 dpi)
MINIMUM_WIDTH = 260
WANTED_EDGES = 100  # px of edges between the label columns that the diagram asks the window for (more took
# the room an 8 × 8 table of 4-digit numbers needs at 1400 px)
WIDEST_WANTED = 440  # px: what the diagram asks for at most (the window must fit 1024 px at 200 %)
MIN_BATCHED_WIDTH = 1.0  # px: thinner lines without antialiasing are drawn dotted
# a pen of exactly 1 px takes Qt's raster engine's one-pixel line path, 3 times slower than the
# polygons of a wider pen (7,840 lines: 24 against 8 ms) and drawing the same pixels (compared
# whole): the batched edges' pens are never thinner than this
POLYGON_WIDTH = 1.01
TONE_WIDTH = 6.0  # px at most: the single tone under a big network's edges, as wide as the moiré's gaps

class NetworkView(QWidget):
    freeze_requested = Signal(int, int, bool)  # output, input, frozen
    edge_selected = Signal(object)  # (output, input), or None when the click missed every edge

    def __init__(self, input_names, output_names, parent=None):
        super().__init__(parent)
        self.setMouseTracking(True)
        self.setMinimumSize(MINIMUM_WIDTH, 160)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # a place for the keys to go that trains
        self.setToolTip("")
        self.set_names(input_names, output_names)

    def set_names(self, input_names, output_names) -> None:
        self.input_names, self.output_names = list(input_names), list(output_names)
        m, n = len(output_names), len(input_names)
        self.weights = np.zeros((m, n))
        self.weight_deltas = np.full((m, n), np.nan)
        self.frozen = np.zeros((m, n), dtype=bool)
        self.inputs = np.zeros(n)
        self.pred = np.full(m, np.nan)
        self.targets = np.zeros(m)
        self.hovered: tuple[int, int] | None = None
        self.selected: tuple[int, int] | None = None
        self.phase: str | None = None  # predict / compare / learn: what to highlight
        if not hasattr(self, "digits"):
            self.digits: Digits = DEFAULT_DIGITS  # View → Digits (kept across networks)
        self._widest_seen = ("0", "0", "")  # the widest input, target and pred texts yet: see label_widths
        # label_widths by font, digits and widest texts seen: measuring 784 names took ~2 ms, 5 times a paint
        self._label_widths: dict[tuple, tuple[float, float]] = {}
        self._lines: tuple[tuple, list[QPointF]] | None = None  # every edge's ends for a layout: see _edge_lines
        self.pred_of: int | None = None  # the iteration whose pred the outputs show
        self.weights_after: int | None = None  # the iteration the edges' weights are after
        self._ask_for_width()
        self.update()

    # -- state --------------------------------------------------------------------------------
    def set_state(self, weights, weight_deltas, frozen, inputs, pred, targets, *, pred_of: int | None = None,
                  weights_after: int | None = None) -> None:
        """The numbers to draw; ``pred_of``: the iteration whose pred (and inputs) they are,
        ``weights_after``: the iteration the weights are after (each said in the diagram). The
        same numbers bit for bit (a redraw for another view's sake) are not drawn again: a
        784 → 10 diagram is ~25 ms a paint."""
        arrays = (np.array(weights, dtype=float), np.array(weight_deltas, dtype=float), np.array(frozen, dtype=bool),
                  *(np.array(a, dtype=float) for a in (inputs, pred, targets)))
        old = (self.weights, self.weight_deltas, self.frozen, self.inputs, self.pred, self.targets)
        if (pred_of, weights_after) == (self.pred_of, self.weights_after) and all(
                new.shape == now.shape and new.tobytes() == now.tobytes() for new, now in zip(arrays, old)):
            return
        self.weights, self.weight_deltas, self.frozen, self.inputs, self.pred, self.targets = arrays
        self.pred_of, self.weights_after = pred_of, weights_after
        self._see_values()
        self.update()

    def set_digits(self, digits: Digits) -> None:
        """View → Digits: the significant digits of the labels (None: every digit)."""
        if digits != self.digits:
            self.digits = digits
            self._widest_seen = ("0", "0", "")
            self._see_values()
            self._ask_for_width()
            self.update()

    def value_text(self, value: float) -> str:
        """A node's value as the window writes numbers; "–" for a pred not worked out."""
        return NO_VALUE if math.isnan(value) else format_number(value, self.digits)

    def select(self, edge: tuple[int, int] | None) -> None:
        self.selected = edge
        self.update()

    def set_phase(self, phase: str | None) -> None:
        self.phase = phase
        self.update()

    def edge_opacity(self) -> float:
        """Edges are see-through when there are many, so crossings do not merge into one colour."""
        return 1.0 if self.weights.size <= 64 else max(0.3, 8 / math.sqrt(self.weights.size))

    def edge_widths(self) -> np.ndarray:
        """The pen width of every edge (rows outputs, columns inputs): thinner as they get many,
        so that a 32 × 32 network is a web rather than a slab."""
        finite = np.isfinite(self.weights)
        largest = float(np.abs(self.weights[finite]).max(initial=0.0))
        thickest = self.thickest_width()
        if largest <= 0 or not math.isfinite(largest):
            return np.where(finite, HAIRLINE, thickest)
        with np.errstate(over="ignore", invalid="ignore"):  # 1e300 / 1e-300: clipped just below
            share = np.where(finite, np.abs(self.weights) / largest, 1.0)
        return HAIRLINE + (thickest - HAIRLINE) * np.clip(np.nan_to_num(share, nan=1.0), 0.0, 1.0)

    def thickest_width(self) -> float:
        """The largest weight's pen width: thinner as the network gets bigger."""
        return THICKEST if self.weights.size <= 16 else max(1.6, THICKEST * 4 / math.sqrt(self.weights.size))

    def input_label(self, i: int) -> str:
        return f"{self.input_names[i]}  {self.value_text(self.inputs[i])}"

    def output_label(self, o: int) -> str:
        return f"{self.output_names[o]}  {self.value_text(self.pred[o])} / {self.value_text(self.targets[o])}"

    # -- geometry -----------------------------------------------------------------------------
    def _rows(self) -> int:
        return max(len(self.input_names), len(self.output_names))

    def _font(self) -> QFont:
        """9–10.5 pt: as large as the rows allow, and small enough that the label columns and
        80 px of edges fit the width; never under 9 pt (7 pt labels at 32 × 32 were unreadable:
        rows too close for a label each write every k-th, and the legend says so)."""
        spacing = (self.height() - 60) / max(self._rows(), 1)
        font = QFont(self.font())
        size = max(SMALLEST_POINTS, min(LARGEST_POINTS, spacing * 0.42))
        font.setPointSizeF(size)
        left, right = self.label_widths(font)
        room = self.width() - WANTED_EDGES - 2 * (20 + 14)
        if left + right > room and left + right > 0:
            font.setPointSizeF(max(SMALLEST_POINTS, size * room / (left + right)))
        font.setPointSizeF(zoom.scaled(font.pointSizeF()))  # View → Zoom: the labels at the window's zoom
        return font

    def wanted_width(self) -> int:
        """The width that writes the labels at 9 pt (at the zoom) beside :data:`WANTED_EDGES` px of
        edges, within :data:`WIDEST_WANTED`: the diagram's minimum width, so that the window's
        columns leave it room (an 8 × 8 network's tables took all but 300 px, leaving 80 px of
        edges between labels shrunk to 7.9 pt)."""
        if not self.input_names or not self.output_names:
            return MINIMUM_WIDTH
        font = QFont(self.font())
        font.setPointSizeF(zoom.scaled(SMALLEST_POINTS))
        left, right = self.label_widths(font)
        radius = 14.0 if self._rows() <= 4 else 10.0
        wanted = left + right + 2 * (12 + 8 + radius) + WANTED_EDGES
        return int(max(MINIMUM_WIDTH, min(WIDEST_WANTED, math.ceil(wanted))))

    def label_widths(self, font: QFont) -> tuple[float, float]:
        """The two label columns' widths in ``font``: the longest name with the widest value text
        (a pred's usual widest text at the digits chosen, or a wider one seen, such as
        −0.014084199 (a digits output's pred near 0 was cut to "−0.014084199 …"); the widest input
        and target seen since the network or the digits changed. The seen ones grow only: a
        column that shrank and grew again would shake the diagram)."""
        key = (font.key(), self.digits, self._widest_seen)
        known = self._label_widths.get(key)
        if known is None:
            if len(self._label_widths) >= 16:  # fonts of past sizes and zooms
                self._label_widths.clear()
            known = self._label_widths[key] = self._measure_labels(QFontMetricsF(font))
        return known

    def _measure_labels(self, metrics: QFontMetricsF) -> tuple[float, float]:
        seen_input, seen_target, seen_pred = (metrics.horizontalAdvance(text) for text in self._widest_seen)
        value = max(metrics.horizontalAdvance(widest_text(self.digits)), seen_pred)
        left = max(metrics.horizontalAdvance(f"{name}  ") for name in self.input_names) + seen_input
        right = max(metrics.horizontalAdvance(f"{name}  / ") for name in self.output_names) + value + seen_target
        right = max(right, metrics.horizontalAdvance(OUTPUT_HEADER))
        return left, right

    def _see_values(self) -> None:
        """Remember the widest input, target and pred texts (in the widget's font) for :meth:`label_widths`."""
        metrics = QFontMetricsF(self.font())
        widest = list(self._widest_seen)
        for k, values in enumerate((self.inputs, self.targets, self.pred)):
            for value in values.tolist():
                text = self.value_text(value)
                if metrics.horizontalAdvance(text) > metrics.horizontalAdvance(widest[k]):
                    widest[k] = text
        if tuple(widest) != self._widest_seen:
            self._widest_seen = (widest[0], widest[1], widest[2])
            self._ask_for_width()

    def _ask_for_width(self) -> None:
        wanted = self.wanted_width()
        if wanted != self.minimumWidth():
            self.setMinimumWidth(wanted)

    def _layout(self):
        font = self._font()
        metrics = QFontMetricsF(font)
        left_text, right_text = self.label_widths(font)
        radius = max(1.5, min(14.0, (self.height() - 60) / self._rows() * 0.32))  # nodes never touch
        x_in = 12 + left_text + 8 + radius
        x_out = self.width() - (12 + right_text + 8 + radius)
        if x_out - x_in < 80:  # too narrow even at the smallest font: keep 80 px of edges, elide labels
            spare = max(self.width() - 80, 0) / max(left_text + right_text, 1)
            x_in = min(x_in, 20 + radius + left_text * spare)
            x_out = x_in + 80
        top, bottom = self._header_lines(metrics) * metrics.height() + 6.0, self.height() - 40.0  # the headers' room

        def column(count):
            step = (bottom - top) / count
            return [top + step * (k + 0.5) for k in range(count)]

        inputs = [QPointF(x_in, y) for y in column(len(self.input_names))]
        outputs = [QPointF(x_out, y) for y in column(len(self.output_names))]
        return inputs, outputs, radius, metrics

    def _header_lines(self, metrics: QFontMetricsF) -> int:
        """The headers on one line when both fit side by side, for any iteration count; else two."""
        both = (metrics.horizontalAdvance(weights_caption(WIDEST_ITERATION))
                + metrics.horizontalAdvance(pred_header(WIDEST_ITERATION)) + 36)
        return 1 if both <= self.width() else 2

    def headers(self, metrics: QFontMetricsF | None = None) -> list[tuple[QRectF, int, str]]:
        """The two headers as drawn: (box, alignment, text); the weights' on the left, the pred's
        on the right, each elided to its room."""
        metrics = metrics or QFontMetricsF(self._font())
        height, width = metrics.height(), float(self.width())
        left = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        if self._header_lines(metrics) == 1:
            caption_box = QRectF(12, 2, width / 2 - 12, height)
            pred_box = QRectF(width / 2, 2, width / 2 - 8, height)
        else:
            pred_box = QRectF(12, 2, width - 20, height)
            caption_box = QRectF(12, 2 + height, width - 20, height)
        boxes = []
        for box, align, text in ((caption_box, left, weights_caption(self.weights_after)),
                                 (pred_box, right, pred_header(self.pred_of))):
            elided = metrics.elidedText(text, Qt.TextElideMode.ElideRight, box.width())
            boxes.append((box, int(align), elided))
        return boxes

    def drawn_labels(self, layout=None) -> dict[tuple[str, int], str]:
        """Each written label's text as drawn (elided to its room): ``("inputs", i)`` and
        ``("outputs", o)`` to text; ``layout``: :meth:`_layout`'s, when known."""
        inputs, outputs, radius, metrics = layout or self._layout()
        height = metrics.height()
        drawn = {}
        every = self.label_every(inputs, height)
        for i, point in enumerate(inputs):
            if i % every == 0:
                width = point.x() - radius - 8
                drawn["inputs", i] = metrics.elidedText(self.input_label(i), Qt.TextElideMode.ElideLeft, width)
        every = self.label_every(outputs, height)
        for o, point in enumerate(outputs):
            if o % every == 0:
                width = self.width() - point.x() - radius - 10
                drawn["outputs", o] = metrics.elidedText(self.output_label(o), Qt.TextElideMode.ElideRight, width)
        return drawn

    @staticmethod
    def label_every(points: list[QPointF], height: float) -> int:
        """Write every k-th label of a column so that no two overlap."""
        if len(points) < 2:
            return 1
        gap = points[1].y() - points[0].y()
        return max(1, math.ceil(height * 1.05 / gap))

    def labelled(self, side: str) -> list[int]:
        """The nodes of ``side`` ("inputs" or "outputs") whose labels are written."""
        inputs, outputs, _, metrics = self._layout()
        points = inputs if side == "inputs" else outputs
        every = self.label_every(points, metrics.height())
        return list(range(0, len(points), every))

    def edge_at(self, point: QPointF, tolerance: float = 6.0) -> tuple[int, int] | None:
        """``(output, input)`` of the edge nearest ``point`` within ``tolerance`` pixels."""
        inputs, outputs, radius, _ = self._layout()
        best, best_distance = None, tolerance
        widths = self.edge_widths()
        for o, end in enumerate(outputs):
            for i, start in enumerate(inputs):
                dx, dy = end.x() - start.x(), end.y() - start.y()
                length2 = dx * dx + dy * dy
                t = max(0.0, min(1.0, ((point.x() - start.x()) * dx + (point.y() - start.y()) * dy) / length2))
                if not radius / math.sqrt(length2) < t < 1 - radius / math.sqrt(length2):
                    continue
                distance = math.hypot(point.x() - start.x() - t * dx, point.y() - start.y() - t * dy)
                distance -= widths[o, i] / 2
                if distance < best_distance:
                    best, best_distance = (o, i), distance
        return best

    def edge_tooltip(self, output: int, input_: int) -> str:
        weight = self.weights[output, input_]
        delta = self.weight_deltas[output, input_]
        lines = [edge_name(self.input_names[input_], self.output_names[output], screen=True),
                 f"{weight_caption(self.weights_after)}: {format_number(weight, EVERY)}",
                 "weight_delta " + (NO_VALUE if math.isnan(delta) else format_number(delta, EVERY))]
        lines.append("frozen (right-click to thaw)" if self.frozen[output, input_] else "right-click to freeze")
        return "\n".join(lines)

    # -- events -------------------------------------------------------------------------------
    def node_at(self, point: QPointF) -> tuple[str, int] | None:
        """``("inputs", i)`` or ``("outputs", o)`` of the node under ``point``."""
        inputs, outputs, radius, _ = self._layout()
        for side, points in (("inputs", inputs), ("outputs", outputs)):
            for k, centre in enumerate(points):
                if math.hypot(point.x() - centre.x(), point.y() - centre.y()) <= radius + 2:
                    return side, k
        return None

    @answers_qt()
    def mouseMoveEvent(self, event):  # noqa: N802
        edge = self.edge_at(event.position())
        if edge != self.hovered:
            self.hovered = edge
            self.update()
        node = self.node_at(event.position())
        if node is not None:  # its label, written or not (a crowded column writes every k-th)
            side, k = node
            tip = self.input_label(k) if side == "inputs" else self.output_label(k)
            QToolTip.showText(event.globalPosition().toPoint(), tip, self)
        elif edge is None:
            QToolTip.hideText()
        else:
            QToolTip.showText(event.globalPosition().toPoint(), self.edge_tooltip(*edge), self)

    @answers_qt()
    def changeEvent(self, event):  # noqa: N802
        if event.type() == QEvent.Type.FontChange:  # View → Zoom: the labels' room grows with them
            self._ask_for_width()
        super().changeEvent(event)

    @answers_qt()
    def mousePressEvent(self, event):  # noqa: N802
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        if event.button() == Qt.MouseButton.LeftButton:
            self.edge_selected.emit(self.edge_at(event.position()))

    @answers_qt()
    def leaveEvent(self, event):  # noqa: N802
        self.hovered = None
        self.update()

    @answers_qt()
    def contextMenuEvent(self, event):  # noqa: N802
        edge = self.edge_at(QPointF(event.pos()))
        if edge is None:
            return
        output, input_ = edge
        frozen = bool(self.frozen[output, input_])
        menu = QMenu(self)
        name = edge_name(self.input_names[input_], self.output_names[output], screen=True)
        action = menu.addAction(f"Thaw {name}" if frozen else f"Freeze {name}")
        if menu.exec(event.globalPos()) is action:
            self.freeze_requested.emit(output, input_, not frozen)

    @answers_qt()
    def paintEvent(self, event):  # noqa: N802
        painter = QPainter(self)
        try:
            self._paint(painter)
        finally:
            painter.end()  # even after a fault: a painter left open breaks the next paint

    def _paint(self, painter: QPainter) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        layout = inputs, outputs, radius, metrics = self._layout()
        painter.setFont(self._font())
        palette = self.palette()
        text_colour = palette.windowText().color()
        widths = self.edge_widths()
        order = np.argsort(widths, axis=None, kind="stable")  # strongest last: on top
        marked = {self.hovered, self.selected} - {None}
        opacity = self.edge_opacity()
        glow = style.phase_colour(palette)
        if widths.size > BATCHED_EDGES and self.phase is None and not marked:
            self._paint_edges_batched(painter, inputs, outputs, widths, order, opacity, palette)
            order = order[:0]
        for flat in order:
            o, i = divmod(int(flat), len(self.input_names))
            start, end = inputs[i], outputs[o]
            if self.phase in ("predict", "learn"):
                # a band on each side of the edge, never under it: a frozen edge's dashes keep their
                # gaps the colour of the background, so they read as dashes through the glow
                band = QPen(glow, 3.5, Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap)
                painter.setPen(band)
                for sign in (-1, 1):
                    painter.drawLine(*self._offset(start, end, sign * (float(widths[o, i]) / 2 + 2.5)))
            if (o, i) in marked:  # an outline around the edge: its width still means |weight|
                outline = QColor(palette.highlight().color())
                if (o, i) != self.selected:
                    outline.setAlphaF(0.55)
                painter.setPen(QPen(outline, float(widths[o, i]) + 4, Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap))
                painter.drawLine(start, end)
            colour = style.sign_colour(self.weights[o, i], palette)
            colour.setAlphaF(opacity)
            pen = QPen(colour, float(widths[o, i]))
            pen.setCapStyle(Qt.PenCapStyle.FlatCap)
            if self.frozen[o, i]:
                pen.setStyle(Qt.PenStyle.DashLine)
            painter.setPen(pen)
            painter.drawLine(start, end)
        lit = {"predict": inputs, "compare": outputs}.get(self.phase or "", [])
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QBrush(glow))
        for point in lit:
            painter.drawEllipse(point, radius + 6, radius + 6)
        painter.setPen(QPen(text_colour, 1.5))
        painter.setBrush(QBrush(palette.base().color()))
        for column in (inputs, outputs):
            if len(column) > 1 and self._spacing(column) < 2 * radius:  # overlapping nodes: one bar of their
                # outlines, drawn as round points in one call (784 ellipses took ~5 ms a paint)
                painter.setPen(QPen(text_colour, 2 * radius + 1.5, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
                painter.drawPoints(column)
                painter.setPen(QPen(text_colour, 1.5))
                continue
            for point in column:
                painter.drawEllipse(point, radius, radius)
        painter.setPen(text_colour)
        height = metrics.height()
        every_in, every_out = self.label_every(inputs, height), self.label_every(outputs, height)
        for (side, k), text in self.drawn_labels(layout).items():
            point = (inputs if side == "inputs" else outputs)[k]
            if side == "inputs":
                box = QRectF(0, point.y() - height / 2, point.x() - radius - 8, height)
                align = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
            else:
                box = QRectF(point.x() + radius + 8, point.y() - height / 2, self.width() - point.x() - radius - 10,
                             height)
                align = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
            painter.drawText(box, align, text)
        for header_box, header_align, header in self.headers(metrics):
            painter.drawText(header_box, Qt.AlignmentFlag(header_align), header)
        self._paint_legend(painter, metrics, self.labels_note(every_in, every_out),
                           self.labels_note(every_in, every_out, short=True))

    def _paint_edges_batched(self, painter: QPainter, inputs: list[QPointF], outputs: list[QPointF],
                             widths: np.ndarray, order: np.ndarray, opacity: float, palette) -> None:
        """A big network's edges, a pen at a time: widths rounded to half a pixel (never under
        one: thinner lines drawn without antialiasing came out dotted), drawn from the thinnest
        group to the thickest (the strongest still on top), without antialiasing. One
        ``drawLine`` an edge took ~90 ms a paint at 32×32 (1,024 lines), the window then drawing
        ~8 frames a second while training; a few ``drawLines`` calls of opaque pens take ~5 ms
        (with antialiasing ~25 ms).

        Under them, every edge once more in a single tone a few pixels wide (the edges' colours
        mixed): where hundreds of lines cross, the gaps between them line up into rows of dots, a
        moiré that antialiasing does not remove (measured); the tone fills those gaps and leaves
        the wide ones, such as the fan between a few outputs, as they are."""
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        # opaque colours mixed with the background as the see-through ones would show on it:
        # blending 1,024 translucent lines cost ~30 ms a paint in software, opaque ones ~5 ms
        # (where lines cross, the later one is on top instead of both showing)
        background = palette.window().color()
        colours = {}
        for positive in (True, False):
            colours[positive] = style.mix(style.sign_colour(1.0 if positive else -1.0, palette), background, opacity)
        every = self._edge_lines(inputs, outputs)
        # a pen for each (width rounded to half a pixel, sign, frozen), drawn thinnest first and,
        # at one width, in the order the groups first come among the edges thinnest first
        rounded = np.maximum(np.round(widths * 2) / 2, MIN_BATCHED_WIDTH).ravel()
        codes = rounded * 8 + 2 * (self.weights >= 0).ravel() + self.frozen.ravel()  # widths 0.5 apart: 4 codes
        found, first = np.unique(codes[order], return_index=True)
        groups: dict[tuple[float, bool, bool], list[QPointF]] = {}
        for code in found[np.lexsort((first, found // 4))].tolist():
            members = np.flatnonzero(codes == code).tolist()  # one opaque pen: their order is not seen
            ends = [every[end] for k in members for end in (2 * k, 2 * k + 1)]
            groups[((code - code % 4) / 8, code % 4 >= 2, code % 2 == 1)] = ends
        # the crossings' gaps are about half the closer column's spacing apart
        spacing = min(self._spacing(inputs), self._spacing(outputs))
        tone_width = max(MIN_BATCHED_WIDTH, min(TONE_WIDTH, spacing / 2 + 1.5))
        tone = self.edge_tone(colours, background, widths)
        fans = self._solid_fans(inputs, outputs, tone_width)
        if fans is not None:  # the lines would overlap into these triangles: filled as triangles (~0.3 ms
            # for 784 → 10, where 7,840 lines of the tone took ~8 ms)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QBrush(tone))
            for fan in fans:
                painter.drawPolygon(fan)
            painter.setBrush(Qt.BrushStyle.NoBrush)
        else:
            painter.setPen(QPen(tone, max(tone_width, POLYGON_WIDTH), Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap))
            painter.drawLines(every)
        # and thin lines pale: every weight 0 (the digits at the start) is a pale web, not a slab
        full = self.thickest_width()
        for (width, positive, frozen), lines in sorted(groups.items(), key=lambda item: item[0][0]):
            strength = 0.3 + 0.7 * min(max((width - MIN_BATCHED_WIDTH) / max(full - MIN_BATCHED_WIDTH, 0.5), 0.0), 1.0)
            pen = QPen(style.mix(colours[positive], background, strength), max(width, POLYGON_WIDTH))
            pen.setCapStyle(Qt.PenCapStyle.FlatCap)
            if frozen:
                pen.setStyle(Qt.PenStyle.DashLine)
            painter.setPen(pen)
            painter.drawLines(lines)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)

    def _edge_lines(self, inputs: list[QPointF], outputs: list[QPointF]) -> list[QPointF]:
        """Every edge's two ends in turn (``drawLines`` draws the pairs), output by output (edge
        ``o * n_inputs + i`` at ``2 * (o * n_inputs + i)``), listed once for a layout. The pairs
        are the nodes' own points: 7,840 ``QLineF`` (784 → 10) took ~8 ms to make, the first paint
        of a new network; the list of pairs ~1 ms. The columns are evenly spaced, so their ends
        and counts say where every node is."""
        key = tuple((p.x(), p.y()) for p in (inputs[0], inputs[-1], outputs[0], outputs[-1])) + \
            (len(inputs), len(outputs))
        if self._lines is None or self._lines[0] != key:
            self._lines = key, [point for end in outputs for start in inputs for point in (start, end)]
        return self._lines[1]

    def _solid_fans(self, inputs: list[QPointF], outputs: list[QPointF], width: float) -> list[QPolygonF] | None:
        """Where a column's nodes are closer than the tone's ``width``, the tone's lines from all of
        them to one node of the other column overlap into a solid triangle, a fan: those triangles
        (None where the lines leave gaps between them)."""
        if len(inputs) > 1 and self._spacing(inputs) <= width:
            return [QPolygonF([inputs[0], inputs[-1], end]) for end in outputs]
        if len(outputs) > 1 and self._spacing(outputs) <= width:
            return [QPolygonF([outputs[0], outputs[-1], start]) for start in inputs]
        return None

    @staticmethod
    def _spacing(points: list[QPointF]) -> float:
        return points[1].y() - points[0].y() if len(points) > 1 else math.inf

    def edge_tone(self, colours: dict[bool, QColor], background: QColor, widths: np.ndarray) -> QColor:
        """The single tone under a big network's edges: the two signs' colours mixed in the
        share of positive weights, and with the background as the edges are thin (every weight
        0: a pale tone)."""
        finite = np.isfinite(self.weights)
        share = float(np.mean(self.weights[finite] >= 0)) if finite.any() else 0.5
        full = self.thickest_width()
        strength = 0.15 + 0.85 * min(max(float(np.mean(widths - HAIRLINE)) / (full - HAIRLINE), 0.0), 1.0)
        return style.mix(style.mix(colours[True], colours[False], share), background, strength)

    @staticmethod
    def _offset(start: QPointF, end: QPointF, distance: float) -> tuple[QPointF, QPointF]:
        """The ends of the line from ``start`` to ``end`` moved ``distance`` pixels sideways."""
        dx, dy = end.x() - start.x(), end.y() - start.y()
        length = math.hypot(dx, dy) or 1.0
        shift = QPointF(-dy / length * distance, dx / length * distance)
        return start + shift, end + shift

    def _paint_legend(self, painter: QPainter, metrics: QFontMetricsF, thinned: str, short: str = "") -> None:
        y = self.height() - 16
        x = 12.0
        text = self.palette().windowText().color()
        keys = [(style.sign_colour(1.0), "positive", False), (style.sign_colour(-1.0), "negative", False),
                (text, "frozen", True)]
        if self.phase is not None:  # Step by phase: what the glow means
            keys.append((style.phase_colour(self.palette()), f"phase: {self.phase}", False))
        line, gap = 22.0, 18.0
        keys_width = sum(line + 6 + metrics.horizontalAdvance(label) + gap for _, label, _ in keys)
        if short and x + keys_width + metrics.horizontalAdvance(short) >= self.width():
            line, gap = 12.0, 8.0  # closer keys: the labels left out are said whole
        for colour, label, dashed in keys:
            if x + line + 6 + metrics.horizontalAdvance(label) > self.width():  # a narrow diagram: the keys that fit
                break
            pen = QPen(colour, 3)
            if dashed:
                pen.setStyle(Qt.PenStyle.DashLine)
                pen.setWidthF(1.5)
            painter.setPen(pen)
            painter.drawLine(QPointF(x, y), QPointF(x + line, y))
            painter.setPen(text)
            painter.drawText(QPointF(x + line + 6, y + metrics.ascent() / 2 - 1), label)
            x += line + 6 + metrics.horizontalAdvance(label) + gap
        note = self.legend_note(thinned)
        if note.startswith(THICKNESS):  # the labels left out are said before what thickness means
            for shorter in (thinned, short):
                if shorter and x + metrics.horizontalAdvance(note) >= self.width():
                    note = shorter
        if x + metrics.horizontalAdvance(note) < self.width():  # a narrow diagram keeps the colours' key only
            painter.drawText(QPointF(x, y + metrics.ascent() / 2 - 1), note)
        elif note != self.legend_note(finite=True):  # a warning or the labels left out: cut, never left out
            painter.drawText(QPointF(x, y + metrics.ascent() / 2 - 1),
                             metrics.elidedText(note, Qt.TextElideMode.ElideRight, max(self.width() - x, 0)))

    def legend_note(self, thinned: str = "", finite: bool | None = None) -> str:
        """After the colours' key: what thickness means and which labels are written (``thinned``,
        from :meth:`labels_note`), or that some weights cannot be drawn to scale."""
        if finite is None:
            finite = bool(np.isfinite(self.weights).all())
        if not finite:  # drawn as thick as the thickest, out of scale
            return "weights too large to draw (∞ or NaN): drawn thickest"
        return THICKNESS + (f"; {thinned}" if thinned else "")

    @staticmethod
    def labels_note(every_in: int, every_out: int, short: bool = False) -> str:
        """Which nodes' labels are written, when not all are: "labels every 4th input; hover for
        all" (``short``: "1 in 4 inputs labelled"); "" when every label is written."""
        if every_in == every_out == 1:
            return ""
        if short:
            if every_in == every_out:
                return f"1 in {every_in} labelled"
            return ", ".join(f"1 in {k} {side}s" for k, side in ((every_in, "input"), (every_out, "output"))
                             if k > 1) + " labelled"
        if every_in == every_out:
            which = f"every {ordinal(every_in)} node"
        else:
            which = ", ".join(f"every {ordinal(k)} {side}" for k, side in ((every_in, "input"), (every_out, "output"))
                              if k > 1)
        return f"labels {which}; hover for all"
