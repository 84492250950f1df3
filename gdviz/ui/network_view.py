"""The network as a node/edge diagram: inputs on the left, outputs on the right.

Edge thickness follows |weight| (the largest is thick, a weight near 0 a hairline that stays
visible), colour follows sign, frozen weights are dashed. Hovering an edge shows its weight and
last weight_delta; right-clicking it asks to freeze or thaw it.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPen
from PySide6.QtWidgets import QMenu, QToolTip, QWidget

from gdviz.ui.parsing import format_number
from gdviz.ui.table_models import NEGATIVE, POSITIVE

HIGHLIGHT = QColor(250, 204, 21, 150)  # what the current phase touches
HAIRLINE = 0.8
THICKEST = 9.0


def short(value: float) -> str:
    """A node value: 4 significant digits, so labels stay short."""
    return f"{value:.4g}"


class NetworkView(QWidget):
    freeze_requested = Signal(int, int, bool)  # output, input, frozen
    edge_selected = Signal(object)  # (output, input), or None when the click missed every edge

    def __init__(self, input_names, output_names, parent=None):
        super().__init__(parent)
        self.setMouseTracking(True)
        self.setMinimumSize(360, 220)
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
        self.setToolTip("")

    # -- state --------------------------------------------------------------------------------
    def set_state(self, weights, weight_deltas, frozen, inputs, pred, targets) -> None:
        self.weights = np.array(weights, dtype=float)
        self.weight_deltas = np.array(weight_deltas, dtype=float)
        self.frozen = np.array(frozen, dtype=bool)
        self.inputs, self.pred, self.targets = (np.array(a, dtype=float) for a in (inputs, pred, targets))
        self.update()

    def select(self, edge: tuple[int, int] | None) -> None:
        self.selected = edge
        self.update()

    def set_phase(self, phase: str | None) -> None:
        self.phase = phase
        self.update()

    def edge_widths(self) -> np.ndarray:
        """The pen width of every edge (rows outputs, columns inputs)."""
        largest = float(np.abs(self.weights).max(initial=0.0))
        thickest = THICKEST if self.weights.size <= 16 else max(3.0, THICKEST * 4 / math.sqrt(self.weights.size))
        if largest <= 0 or not math.isfinite(largest):
            return np.full(self.weights.shape, HAIRLINE)
        return HAIRLINE + (thickest - HAIRLINE) * np.abs(self.weights) / largest

    def input_label(self, i: int) -> str:
        return f"{self.input_names[i]}  {short(self.inputs[i])}"

    def output_label(self, o: int) -> str:
        pred = "–" if not math.isfinite(self.pred[o]) else short(self.pred[o])
        return f"{self.output_names[o]}  pred {pred} / target {short(self.targets[o])}"

    # -- geometry -----------------------------------------------------------------------------
    def _font(self) -> QFont:
        rows = max(len(self.input_names), len(self.output_names))
        spacing = (self.height() - 60) / max(rows, 1)
        font = QFont(self.font())
        font.setPointSizeF(max(6.5, min(10.5, spacing * 0.42)))
        return font

    def _layout(self):
        metrics = QFontMetricsF(self._font())
        left_text = max(metrics.horizontalAdvance(self.input_label(i)) for i in range(len(self.input_names)))
        right_text = max(metrics.horizontalAdvance(self.output_label(o)) for o in range(len(self.output_names)))
        radius = max(5.0, min(14.0, (self.height() - 60) / max(len(self.input_names), len(self.output_names)) * 0.3))
        x_in = 12 + left_text + 8 + radius
        x_out = self.width() - (12 + right_text + 8 + radius)
        if x_out - x_in < 80:  # too narrow: keep edges visible, labels may be elided by clipping
            x_in, x_out = self.width() * 0.3, self.width() * 0.7
        top, bottom = 16.0, self.height() - 40.0

        def column(count):
            step = (bottom - top) / count
            return [top + step * (k + 0.5) for k in range(count)]

        inputs = [QPointF(x_in, y) for y in column(len(self.input_names))]
        outputs = [QPointF(x_out, y) for y in column(len(self.output_names))]
        return inputs, outputs, radius, metrics

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
        lines = [f"{self.input_names[input_]} -> {self.output_names[output]}",
                 f"weight {format_number(weight)}",
                 "last weight_delta " + ("–" if not math.isfinite(delta) else format_number(delta))]
        if self.frozen[output, input_]:
            lines.append("frozen (right-click to thaw)")
        else:
            lines.append("right-click to freeze")
        return "\n".join(lines)

    # -- events -------------------------------------------------------------------------------
    def mouseMoveEvent(self, event):  # noqa: N802
        edge = self.edge_at(event.position())
        if edge != self.hovered:
            self.hovered = edge
            self.update()
        if edge is None:
            QToolTip.hideText()
        else:
            QToolTip.showText(event.globalPosition().toPoint(), self.edge_tooltip(*edge), self)

    def mousePressEvent(self, event):  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton:
            self.edge_selected.emit(self.edge_at(event.position()))

    def leaveEvent(self, event):  # noqa: N802
        self.hovered = None
        self.update()

    def contextMenuEvent(self, event):  # noqa: N802
        edge = self.edge_at(QPointF(event.pos()))
        if edge is None:
            return
        output, input_ = edge
        frozen = bool(self.frozen[output, input_])
        menu = QMenu(self)
        name = f"{self.input_names[input_]} -> {self.output_names[output]}"
        action = menu.addAction(f"Thaw {name}" if frozen else f"Freeze {name}")
        if menu.exec(event.globalPos()) is action:
            self.freeze_requested.emit(output, input_, not frozen)

    def paintEvent(self, event):  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.Antialiasing)
        inputs, outputs, radius, metrics = self._layout()
        painter.setFont(self._font())
        text_colour = self.palette().windowText().color()
        widths = self.edge_widths()
        for o, end in enumerate(outputs):
            for i, start in enumerate(inputs):
                colour = QColor(POSITIVE if self.weights[o, i] >= 0 else NEGATIVE)
                pen = QPen(colour, float(widths[o, i]))
                pen.setCapStyle(Qt.PenCapStyle.FlatCap)
                if self.frozen[o, i]:
                    pen.setStyle(Qt.PenStyle.DashLine)
                if self.hovered == (o, i) or self.selected == (o, i):
                    pen.setWidthF(pen.widthF() + 2.5)
                if self.phase in ("predict", "learn"):
                    glow = QPen(HIGHLIGHT, float(widths[o, i]) + 7)
                    painter.setPen(glow)
                    painter.drawLine(start, end)
                painter.setPen(pen)
                painter.drawLine(start, end)
        node_fill = self.palette().base().color()
        lit = {"predict": inputs, "compare": outputs}.get(self.phase, [])
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QBrush(HIGHLIGHT))
        for point in lit:
            painter.drawEllipse(point, radius + 6, radius + 6)
        painter.setPen(QPen(text_colour, 1.5))
        painter.setBrush(QBrush(node_fill))
        for point in inputs + outputs:
            painter.drawEllipse(point, radius, radius)
        painter.setPen(text_colour)
        height = metrics.height()
        for i, point in enumerate(inputs):
            box = QRectF(0, point.y() - height / 2, point.x() - radius - 8, height)
            painter.drawText(box, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, self.input_label(i))
        for o, point in enumerate(outputs):
            box = QRectF(point.x() + radius + 8, point.y() - height / 2, self.width(), height)
            painter.drawText(box, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, self.output_label(o))
        self._paint_legend(painter, metrics)

    def _paint_legend(self, painter: QPainter, metrics: QFontMetricsF) -> None:
        y = self.height() - 16
        x = 12.0
        for colour, label, dashed in ((POSITIVE, "positive", False), (NEGATIVE, "negative", False),
                                      (self.palette().windowText().color(), "frozen", True)):
            pen = QPen(colour, 3)
            if dashed:
                pen.setStyle(Qt.PenStyle.DashLine)
                pen.setWidthF(1.5)
            painter.setPen(pen)
            painter.drawLine(QPointF(x, y), QPointF(x + 22, y))
            painter.setPen(self.palette().windowText().color())
            painter.drawText(QPointF(x + 28, y + metrics.ascent() / 2 - 1), label)
            x += 28 + metrics.horizontalAdvance(label) + 18
        painter.drawText(QPointF(x, y + metrics.ascent() / 2 - 1), "thickness ∝ |weight|")


