"""An iteration's arithmetic written out as the book writes it, with its real numbers."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from typing import Any

import numpy as np
from PySide6.QtCore import QEvent, QTimer
from PySide6.QtGui import QFont, QTextBlockFormat, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QTextEdit, QVBoxLayout, QWidget

from gdviz.core.arithmetic import Line, iteration_lines, iteration_lines_in_parts
from gdviz.core.log import IterationLog
from gdviz.core.numbers import DEFAULT_DIGITS, Digits
from gdviz.ui import style
from gdviz.ui.guard import answers_qt

DEFERRED_FROM = 256
"""More weights' lines than this (a 784-input data set's output: 1,571 lines, 35-75 ms to write,
each number checked in decimal) are written a part at a time, :data:`SLICE_SECONDS` of each turn
of the event loop (a thread would hold Python's lock: the window's own Python calls waited on it),
and shown when all are written: in one go they were one of the stalls of taking a 784-input data
set in, and came again at every iteration shown."""
SLICE_SECONDS = 0.008


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
        # many lines: written a part at a time (see DEFERRED_FROM); the row's key, its parts, its lines so far
        self._writing: tuple[tuple, Iterator[list[Line]], list[Line]] | None = None
        self._written: tuple[tuple, list[Line]] | None = None  # the lines last written in parts, and their key
        self._write_more = QTimer(self)
        self._write_more.setSingleShot(True)
        self._write_more.setInterval(0)
        self._write_more.timeout.connect(self._write_part)
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
        self._asked: tuple[str, str | None] = ("The arithmetic", None)  # the title and phase of the row asked for
        self._writing, self._written = None, None
        self._write_more.stop()
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
        number = iteration if iteration is not None else (log.first_iteration + row if row is not None else None)
        what = {"predict": ": predict", "compare": ": compare"}.get(phase or "", ", step by step")
        title = "The arithmetic" if number is None else f"Iteration {number:,}{what}"
        if upcoming and number is not None:
            title = f"Next Step: iteration {number:,}"
        self._asked = (title, phase)  # shown with its lines (a big network's are written a part at a time)
        self._work_out()

    def _work_out(self) -> None:
        """The lines of the row shown, for the output chosen only: all 32 × 32 weights' lines
        take ~25 ms to write (each checked in decimal), one output's under 1 ms. Past
        :data:`DEFERRED_FROM` weights they are written a part at a time and shown when all are
        in; until then the lines shown stay, with their title. A row asked for while another is
        being written waits for it to be done (a new row at every frame while playing would
        otherwise restart the writing for ever), then the newest row asked for is written."""
        output = self.output_box.currentData()
        lines: list[Line] = []
        if self._shown is not None:
            log, row, frozen = self._shown
            outputs = None if output is None or output == -1 else (output,)
            weights = len(self.input_names) * (len(self.output_names) if outputs is None else 1)
            if weights <= DEFERRED_FROM:
                try:
                    lines = iteration_lines(log, row, self.input_names, self.output_names, frozen,
                                            self.digits, outputs)
                except Exception:  # noqa: BLE001 - a view says it cannot write a row; it never stops the window
                    lines = self._cannot_write()
            else:
                frozen_bytes = None if frozen is None else np.asarray(frozen, bool).tobytes()
                key = (log.row_bytes(row), tuple(self.input_names), tuple(self.output_names), frozen_bytes,
                       self.digits, outputs)
                if self._written is not None and self._written[0] == key:  # the same row again (a redraw
                    lines = self._written[1]  # for another view): written already
                elif self._writing is not None:  # this one, or the newest asked for once it is done
                    return
                else:
                    parts = iteration_lines_in_parts(log, row, self.input_names, self.output_names, frozen,
                                                     self.digits, outputs)
                    self._writing = (key, parts, [])
                    self._write_part()
                    return
        self._writing = None
        self._write_more.stop()
        self.lines = lines
        self.title.setText(self._asked[0])
        self.phase = self._asked[1]
        self._render()

    def _write_part(self) -> None:
        """Write parts of the lines for :data:`SLICE_SECONDS`, then let the event loop run; show
        them when all are written."""
        if self._writing is None:
            return
        key, parts, lines = self._writing
        until = time.perf_counter() + SLICE_SECONDS
        try:
            for part in parts:
                lines.extend(part)
                if time.perf_counter() >= until:
                    self._write_more.start()
                    return
        except Exception:  # noqa: BLE001 - a view says it cannot write a row; it never stops the window
            lines = self._cannot_write()
        self._writing, self._written = None, (key, lines)
        self._work_out()  # shows them, or (another row asked for meanwhile) writes the newest

    @staticmethod
    def _cannot_write() -> list[Line]:
        sys.excepthook(*sys.exc_info())
        return [Line("(this iteration's arithmetic cannot be written: see the terminal)", -1)]

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
