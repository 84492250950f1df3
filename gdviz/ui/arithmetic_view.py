"""An iteration's arithmetic written out as the book writes it, with its real numbers."""

from __future__ import annotations

import sys
from typing import Any

from PySide6.QtCore import QEvent, QTimer
from PySide6.QtGui import QFont, QTextBlockFormat, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QTextEdit, QVBoxLayout, QWidget

from gdviz.core.arithmetic import Line, iteration_lines
from gdviz.core.log import IterationLog
from gdviz.core.numbers import DEFAULT_DIGITS, Digits
from gdviz.ui import style
from gdviz.ui.guard import answers_qt

DEFERRED_FROM = 256
"""More weights' lines than this (a 784-input data set's output: 1,568 lines, ~60 ms to write) are
written in a turn of the event loop of their own, after the window has drawn the rest."""


class ArithmeticView(QWidget):
    """One iteration's numbers in the book's layout; copyable; one edge's lines highlighted."""

    def __init__(self, input_names, output_names, parent=None):
        super().__init__(parent)
        # a QTextEdit, not a QPlainTextEdit: only it lays out a hanging indent, so that a long sum
        # wrapped on a narrow screen reads as one line continued, not as the next line
        self.text = QTextEdit()
        self.text.setReadOnly(True)
        self.text.setAcceptRichText(False)
        self.text.setTabChangesFocus(True)  # Tab moves on through the window
        self.text.setLineWrapMode(QTextEdit.LineWrapMode.WidgetWidth)  # long sums wrap, never hide
        font = QFont()
        font.setFamilies(["DejaVu Sans Mono", "Menlo", "Consolas", "monospace"])  # ones that have → and ²
        font.setStyleHint(QFont.StyleHint.TypeWriter)
        self.text.setFont(font)
        self.text.setToolTip("The iteration shown, as the book writes it, with the digits of View → Digits. "
                             "= : the numbers as written give the result; ≈ : they give it to their own "
                             "digits only (they have more than shown); \"binary rounding\": the float the "
                             "computer got is not what the numbers give in decimal. Select and copy (Ctrl+C) "
                             "any of it.")
        self.title = QLabel()
        self.output_box = QComboBox()
        self.output_box.setToolTip("Show the lines of one output")
        self.output_box.currentIndexChanged.connect(lambda _i: self._work_out())
        row = QHBoxLayout()
        row.addWidget(self.title, 1)
        row.addWidget(self.output_box)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.text)
        self.lines: list[Line] = []
        self.selected: tuple[int, int] | None = None
        self.phase: str | None = None  # when stepping by phase: show the lines up to this phase
        self.digits: Digits = DEFAULT_DIGITS  # View → Digits
        self._shown: tuple[IterationLog, int, Any] | None = None  # the log, row and frozen weights shown
        self._waiting: str | None = None  # the row's numbers are being worked out (see show_row)
        self._later = QTimer(self)  # many lines: worked out once the window is drawn (see DEFERRED_FROM)
        self._later.setSingleShot(True)
        self._later.setInterval(style.FRAME_MS)  # after the paint the rest made (a 0 ms timer came before input)
        self._later.timeout.connect(self._work_out)
        self.set_names(input_names, output_names)

    def set_names(self, input_names, output_names) -> None:
        self.input_names, self.output_names = list(input_names), list(output_names)
        self.output_box.blockSignals(True)
        self.output_box.clear()
        self.output_box.addItem("all outputs", -1)
        for o, name in enumerate(output_names):
            self.output_box.addItem(name, o)
        if len(output_names) > 3:
            self.output_box.setCurrentIndex(1)
        self.output_box.setVisible(len(output_names) > 1)
        self.output_box.blockSignals(False)
        self.lines, self.selected, self.phase, self._shown, self._waiting = [], None, None, None, None
        self._render()

    def set_digits(self, digits: Digits) -> None:
        """View → Digits: the significant digits of every number (None: every digit)."""
        if digits != self.digits:
            self.digits = digits
            self._work_out()

    def show_row(self, log: IterationLog, row: int | None, frozen, phase: str | None = None,
                 iteration: int | None = None, upcoming: bool = False, waiting: str | None = None) -> None:
        """Show log row ``row`` (None: nothing), iteration number ``iteration``; ``upcoming``: an
        iteration not done yet (what the next Step will compute); ``waiting``: its numbers are
        still being worked out, and this says so instead."""
        self._waiting = waiting
        if waiting is not None:
            row = None
        self._shown = None if row is None else (log, row, frozen)
        self.phase = phase
        number = iteration if iteration is not None else (log.first_iteration + row if row is not None else None)
        what = {"predict": ": predict", "compare": ": compare"}.get(phase or "", ", step by step")
        title = "The arithmetic" if number is None else f"Iteration {number:,}{what}"
        if upcoming and number is not None:
            title = f"Next Step: iteration {number:,}"
        self.title.setText(title)
        output = self.output_box.currentData()
        weights = len(self.input_names) * (len(self.output_names) if output in (None, -1) else 1)
        if weights > DEFERRED_FROM and row is not None:
            self._later.start()
        else:
            self._later.stop()
            self._work_out()

    def _work_out(self) -> None:
        """The lines of the row shown, for the output chosen only: all 32 × 32 weights' lines
        take ~25 ms to write (each checked in decimal), one output's under 1 ms."""
        self._later.stop()
        output = self.output_box.currentData()
        if self._shown is None:
            self.lines = []
        else:
            log, row, frozen = self._shown
            outputs = None if output is None or output == -1 else [output]
            try:
                self.lines = iteration_lines(log, row, self.input_names, self.output_names, frozen,
                                             self.digits, outputs)
            except Exception:  # noqa: BLE001 - a view says it cannot write a row; it never stops the window
                sys.excepthook(*sys.exc_info())
                self.lines = [Line("(this iteration's arithmetic cannot be written: see the terminal)", -1)]
        self._render()

    def select_edge(self, edge: tuple[int, int] | None) -> None:
        self.selected = edge
        if edge is not None and self.output_box.currentData() not in (-1, edge[0]):
            self.output_box.setCurrentIndex(edge[0] + 1)  # works the lines out and renders
        else:
            self._render()

    def visible_lines(self) -> list[Line]:
        output = self.output_box.currentData()
        phases = {"predict": ("predict",), "compare": ("predict", "compare")}.get(self.phase or "")
        return [line for line in self.lines if (output == -1 or line.output in (output, -1))
                and (phases is None or line.phase in phases)]

    @answers_qt()
    def changeEvent(self, event):  # noqa: N802
        if event.type() == QEvent.Type.PaletteChange:
            self._render()
        super().changeEvent(event)

    def _render(self) -> None:
        lines = self.visible_lines()
        text = "\n".join(line.text for line in lines) if lines else \
            self._waiting or "Step once to see the arithmetic of an iteration."
        if text != self.text.toPlainText():
            hanging = QTextBlockFormat()
            indent = self.text.fontMetrics().horizontalAdvance("    ")
            hanging.setLeftMargin(indent)
            hanging.setTextIndent(-indent)  # each line's first row at the margin, its rest indented
            # each line inserted with the format (a block takes its cursor's): formatting every
            # block after setPlainText took twice as long (45 against 25 ms for 1,571 lines)
            document = self.text.document()
            document.clear()
            cursor = QTextCursor(document)
            cursor.beginEditBlock()
            cursor.setBlockFormat(hanging)
            cursor.insertText(text)
            cursor.endEditBlock()
        selections = []
        if self.selected is not None:
            output, input_ = self.selected
            marked = QTextCharFormat()
            marked.setBackground(style.text_highlight(self.palette()))
            marked.setProperty(QTextCharFormat.Property.FullWidthSelection, True)
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
