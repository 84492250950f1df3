"""The timeline under the views: every iteration from 0 (the initial weights) to the last."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSlider, QWidget

EIGHTS = str.maketrans("0123456789", "8888888888")  # every digit as the widest one
SLIDER_MAX = 2**31 - 1  # a QSlider holds a C int: a longer log moves in steps of several iterations


class Timeline(QWidget):
    """A slider over the log. Moving it (drag, click, arrows, Page Up/Down, Home/End when it has
    the focus) announces :attr:`iteration_chosen`; :meth:`show` moves it without a word."""

    iteration_chosen = Signal(object)  # an int (a Python one: a log may pass a C int's 2**31)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, 0)
        self.slider.setToolTip("Every iteration, from 0 (the initial weights) to the last: the views show the "
                               "one chosen. Left/Right, Page Up/Down, Home/End move it; training or an edit at a "
                               "past iteration starts a new branch (Ctrl+Z brings the old one back).")
        self.slider.valueChanged.connect(self._on_moved)
        self._first, self._last, self._every = 0, 0, 1  # the slider's position p is iteration first + p × every
        self.label = QLabel()  # "7 of 10": short, so that the slider keeps its length on a small screen
        self.label.setToolTip("The iteration shown, of the iterations logged")
        self.label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self._widest = ""
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        layout.addWidget(QLabel("Timeline"))
        layout.addWidget(self.slider, 1)
        layout.addWidget(self.label)

    def show_position(self, shown: int, first: int, last: int) -> None:
        if last <= SLIDER_MAX and first >= -SLIDER_MAX:  # the slider's positions are the iterations
            self._first, self._every = 0, 1
        else:
            self._first, self._every = first, -(-(last - first) // SLIDER_MAX)
        self._last = last
        self.slider.blockSignals(True)
        self.slider.setRange(self._position(first), self._position(last))
        self.slider.setPageStep(max(1, (self._position(last) - self._position(first)) // 10))
        self.slider.setValue(self._position(max(first, min(shown, last))))
        self.slider.blockSignals(False)
        self.slider.setEnabled(last > first)
        self.label.setText(f"{shown:,} of {last:,}")
        widest = f"{last:,} of {last:,}".translate(EIGHTS)
        if widest != self._widest:  # as wide as the widest text of this log: the slider holds still
            self._widest = widest
            self.label.setMinimumWidth(self.label.fontMetrics().horizontalAdvance(widest) + 8)

    def _position(self, iteration: int) -> int:
        return (iteration - self._first) // self._every

    def _on_moved(self, position: int) -> None:
        last = position >= self.slider.maximum()  # (in steps of several, the last one is still reached)
        self.iteration_chosen.emit(self._last if last else self._first + position * self._every)
