"""The status bar: a passing message, the iteration shown, its total error, and the rate."""

from __future__ import annotations

import time

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QSizePolicy, QStatusBar

from gdviz.core.numbers import DEFAULT_DIGITS, EVERY, Digits, format_number
from gdviz.ui.guard import faults
from gdviz.ui.widgets import ElidedLabel

MESSAGE_MS = 8000
RATE_EVERY = 0.5  # seconds between two measurements of the rate
FIRST_RATE_AFTER = 0.25  # no rate is said before this much of a run has been seen


class StatusLine:
    """Each label is as wide as its widest text from the start: a label that may change size
    makes the status bar lay itself out and repaint again on every new text. A message that is
    too long for its room is cut with "…" (its tooltip has it whole), never run under the labels."""

    def __init__(self, bar: QStatusBar):
        self.bar = bar
        self.message = ElidedLabel()
        self.message.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)  # never pushes
        bar.addWidget(self.message, 1)
        self.iteration_label, self.error_label, self.rate_label = QLabel(), QLabel(), QLabel()
        self.memory_label = QLabel()
        widest = {self.iteration_label: "Iteration 88,888,888 of 88,888,888",
                  self.error_label: "Total error -8.88888e-888", self.rate_label: "888,888 it/s",
                  self.memory_label: "Log 88,888 MB"}
        for label, text in widest.items():
            label.setFixedSize(label.fontMetrics().horizontalAdvance(text) + 12, label.sizeHint().height())
            bar.addPermanentWidget(label)
        self._clear = QTimer(bar)
        self._clear.setSingleShot(True)
        self._clear.timeout.connect(lambda: self.message.set_full_text(""))
        faults.happened.connect(self.message.set_full_text)  # no timeout: a fault is not a passing word
        self._mark: tuple[float, int] | None = None  # when and at which iteration the rate was last measured
        self.rate: float | None = None
        self.digits: Digits = DEFAULT_DIGITS
        self.set_digits(DEFAULT_DIGITS)

    def set_digits(self, digits: Digits) -> None:
        """View → Digits: the total error written as every number of the window, its label as
        wide as the widest such text (so the bar does not lay itself out again at each one)."""
        self.digits = digits
        shown = 17 if digits is EVERY else digits
        widest = "Total error −8." + "8" * (shown - 1) + "e−308"
        label = self.error_label
        label.setFixedSize(label.fontMetrics().horizontalAdvance(widest) + 12, label.sizeHint().height())

    def show_message(self, text: str, milliseconds: int = MESSAGE_MS) -> None:
        self.message.set_full_text(text)
        self._clear.start(milliseconds)

    def withdraw(self, text: str) -> None:
        """Take back ``text`` if it is still shown (a refusal, once its field took a value): any
        later message stays."""
        if self.message.full_text() == text:
            self._clear.stop()
            self.message.set_full_text("")

    def show_iteration(self, shown: int, last: int, error: float | None) -> None:
        """``error``: the total error of the iteration shown (at iteration 0, of the weights as
        they start, on the next iteration's example)."""
        self.iteration_label.setText(f"Iteration {shown:,}" if shown == last else f"Iteration {shown:,} of {last:,}")
        self.error_label.setText("Total error –" if error is None else
                                 f"Total error {format_number(error, self.digits)}")

    def show_memory(self, log_bytes: int, iterations: int) -> None:
        """The memory the log takes (it grows with every iteration kept: see gdviz.core.keyframes)."""
        megabytes = log_bytes / 1e6
        text = f"Log {megabytes:,.0f} MB" if megabytes >= 10 else f"Log {megabytes:,.1f} MB"
        if text != self.memory_label.text():
            self.memory_label.setText(text)
            self.memory_label.setToolTip(
                f"The log keeps {iterations:,} iterations in {megabytes:,.1f} MB: each one's errors and "
                "example, and the weights every few hundred iterations; every other number is worked "
                "out again when it is shown or exported.")

    def playing_from(self, iteration: int) -> None:
        """Training starts: the rate is measured afresh (and not said until there is one)."""
        self._mark, self.rate = (time.perf_counter(), iteration), None

    def show_rate(self, playing: bool, iteration: int) -> None:
        if not playing:
            self._mark, self.rate = None, None
            self.rate_label.setText("paused")
            return
        now = time.perf_counter()
        if self._mark is None:
            self._mark = (now, iteration)
        since, start = self._mark
        if now - since >= (RATE_EVERY if self.rate is not None else FIRST_RATE_AFTER):
            self.rate = (iteration - start) / (now - since)
            self._mark = (now, iteration)
        self.rate_label.setText("measuring…" if self.rate is None else f"{self.rate:,.0f} it/s")
