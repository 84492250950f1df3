"""The timeline under the curves: every iteration from 0 (the initial weights) to the last."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSlider, QWidget

EIGHTS = str.maketrans("0123456789", "8888888888")  # every digit as the widest one


class Timeline(QWidget):
    """A slider over the log. Moving it (drag, click, arrows, Page Up/Down, Home/End when it has
    the focus) announces :attr:`iteration_chosen`; :meth:`show` moves it without a word."""

    iteration_chosen = Signal(int)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, 0)
        self.slider.setToolTip("Every iteration, from 0 (the initial weights) to the last: the views show the "
                               "one chosen. Left/Right, Page Up/Down, Home/End move it; training from a past "
                               "iteration starts a new branch (Ctrl+Z brings the old one back).")
        self.slider.valueChanged.connect(self.iteration_chosen)
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
        self.slider.blockSignals(True)
        self.slider.setRange(first, last)
        self.slider.setPageStep(max(1, (last - first) // 10))
        self.slider.setValue(shown)
        self.slider.blockSignals(False)
        self.slider.setEnabled(last > first)
        self.label.setText(f"{shown:,} of {last:,}")
        widest = f"{last:,} of {last:,}".translate(EIGHTS)
        if widest != self._widest:  # as wide as the widest text of this log: the slider holds still
            self._widest = widest
            self.label.setMinimumWidth(self.label.fontMetrics().horizontalAdvance(widest) + 8)
