"""The right column: the weights and weight_deltas tables (with a legend of their tints), and the
iteration's arithmetic under them.

A table shows the significant digits chosen in View → Digits, whatever its width: when its
cells cannot hold them, its columns keep the width the numbers need and it scrolls sideways
(never fewer digits, never "−0.…"). Past 8 columns or rows it becomes a colour matrix, each number
in its cell's tooltip. A caption over the tables says which moment they show ("Weights after
iteration 3").
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QPointF, QRect, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFontMetrics, QLinearGradient, QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QMenu,
    QSplitter,
    QStyle,
    QStyleOptionButton,
    QStyleOptionViewItem,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from gdviz.core.dataset import DataSet
from gdviz.core.numbers import EVERY, Digits, format_number
from gdviz.ui import style
from gdviz.ui.arithmetic_view import ArithmeticView
from gdviz.ui.guard import answers_qt
from gdviz.ui.precision import saved_digits
from gdviz.ui.table_models import TINT_HIGH, TINT_LOW, WeightTableModel

SIZING_DIGITS = 8  # with every digit shown the right column is sized for 8, and the tables scroll
LARGEST_NUMBER_TABLE = 8  # more inputs or outputs than this: a colour matrix
MATRIX_SECTION = 5  # px: a colour matrix's rows and columns at the least (32 rows and a header in 200 px)
TICKS_UP_TO = 4  # inputs: up to this many, each weight cell has a freeze tick (else: right-click)
SAMPLE_VALUES = (-0.123456789, -1.23456789e-05, -12.3456789, -123456.789)  # widest texts at each precision


class NamesHeader(QHeaderView):
    """A header that names every section, or, with :attr:`every` above 1 (a colour matrix's 32 rows
    of 8 px), every k-th name written whole over its neighbours' blank sections, centred on its
    own (a section's own text would be cut to its 8 px); every name is in its section's tooltip."""

    def __init__(self, orientation: Qt.Orientation, parent: QWidget | None = None):
        super().__init__(orientation, parent)
        self.setSectionsClickable(True)  # as QTableView's own headers: a click selects the row
        self.setHighlightSections(True)
        self.every = 1

    def set_every(self, every: int) -> None:
        if every != self.every:
            self.every = every
            self.viewport().update()

    def names(self) -> list[tuple[QRectF, str]]:
        """The names written over the sections, each in the box it is drawn in (within the view)."""
        model = self.model()
        if self.every <= 1 or model is None:
            return []
        horizontal = self.orientation() == Qt.Orientation.Horizontal
        metrics = self.fontMetrics()
        length = self.viewport().width() if horizontal else self.viewport().height()
        named = []
        for section in range(0, self.count(), self.every):
            text = model.headerData(section, self.orientation(), Qt.ItemDataRole.DisplayRole)
            centre = self.sectionViewportPosition(section) + self.sectionSize(section) / 2
            if not text or centre < 0 or centre > length:
                continue
            if horizontal:
                width = metrics.horizontalAdvance(text) + 4
                left = min(max(centre - width / 2, 0.0), length - width)
                named.append((QRectF(left, 0, width, self.height()), text))
            else:
                height = metrics.height()
                top = min(max(centre - height / 2, 0.0), length - height)
                named.append((QRectF(0, top, self.width() - 4, height), text))
        return named

    @answers_qt()
    def paintSection(self, painter, rect, logical):  # noqa: N802
        if self.every <= 1:
            super().paintSection(painter, rect, logical)
            return
        painter.fillRect(rect, self.palette().button())  # the names are written over the sections after

    @answers_qt()
    def paintEvent(self, event):  # noqa: N802
        super().paintEvent(event)
        named = self.names()
        if not named:
            return
        painter = QPainter(self.viewport())
        try:
            painter.setPen(self.palette().buttonText().color())
            horizontal = self.orientation() == Qt.Orientation.Horizontal
            align = Qt.AlignmentFlag.AlignCenter if horizontal else Qt.AlignmentFlag.AlignRight
            for box, text in named:
                painter.drawText(box, int(align | Qt.AlignmentFlag.AlignVCenter), text)
        finally:
            painter.end()


class WeightsTable(QTableView):
    """A table of one matrix that fits its numbers to its cells."""

    freeze_requested = Signal(int, int, bool)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setHorizontalHeader(NamesHeader(Qt.Orientation.Horizontal, self))
        self.setVerticalHeader(NamesHeader(Qt.Orientation.Vertical, self))
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.horizontalHeader().setMinimumSectionSize(MATRIX_SECTION)
        self.verticalHeader().setMinimumSectionSize(MATRIX_SECTION)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setTabKeyNavigation(False)  # Tab leaves the table; arrows move between cells
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._context_menu)

    def model(self) -> WeightTableModel:
        return super().model()  # type: ignore[return-value]

    def matrix_mode(self) -> bool:
        model = self.model()
        return model is not None and max(model.rowCount(), model.columnCount()) > LARGEST_NUMBER_TABLE

    def cell_padding(self) -> int:
        padding = 2 * self.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, self) + 8
        if self.model() is not None and self.model().checkable:
            option = QStyleOptionButton()
            padding += self.style().pixelMetric(QStyle.PixelMetric.PM_IndicatorWidth, option, self) + 6
        return padding

    def text_width(self, digits: Digits, values=SAMPLE_VALUES) -> int:
        """The widest of ``values`` written with ``digits``, in pixels."""
        metrics = QFontMetrics(self.font())
        return max((metrics.horizontalAdvance(format_number(v, digits)) for v in values), default=0)

    def width_for_numbers(self, columns: int, digits: Digits = SIZING_DIGITS) -> int:
        """The width a table of ``columns`` columns needs to show any ``digits`` significant digits."""
        digits = SIZING_DIGITS if digits is EVERY else min(digits, SIZING_DIGITS)
        header = self.verticalHeader().sizeHint().width() if self.model() is not None else 40
        return header + columns * (self.text_width(digits) + self.cell_padding()) + 2 * self.frameWidth() + 4

    def fit(self) -> None:
        """Columns as wide as the chosen digits need (scrolling when the table is too narrow for
        them), or a colour matrix past 8 × 8."""
        model = self.model()
        if model is None:
            return
        matrix = self.matrix_mode()
        model.set_numbers_shown(not matrix)
        # the rows' sizing before the headers' visibility: a row sized to its contents asks the model
        # for every role of every cell in it, and 10 rows of 784 inputs took 0.23 s
        mode = QHeaderView.ResizeMode.Stretch
        self.verticalHeader().setSectionResizeMode(mode if matrix else QHeaderView.ResizeMode.ResizeToContents)
        if matrix:  # its rows and columns named, every k-th where 32 names do not fit
            self.name_sections()
            return
        columns = max(model.columnCount(), 1)
        room = (self.viewport().width() - 2) / columns - self.cell_padding()
        # too narrow for the chosen digits (8 columns on a small screen): the columns keep the
        # width their numbers need and the table scrolls sideways, rather than cut numbers to "−0.…"
        needed = self.text_width(model.digits, model.matrix.ravel().tolist())
        header = self.horizontalHeader()
        scrolls = needed > room
        if scrolls != (header.sectionResizeMode(0) == QHeaderView.ResizeMode.Fixed):  # ~12 times a second
            header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed if scrolls else QHeaderView.ResizeMode.Stretch)
        if scrolls:
            for column in range(columns):
                header.resizeSection(column, needed + self.cell_padding())

    def name_sections(self) -> None:
        """A colour matrix's headers: every k-th output (rows) and input (columns) named, k as
        small as keeps the names from running into each other (the others' names are in their
        headers' tooltips); the headers were hidden, leaving the rows and columns unnamed."""
        model = self.model()
        for header, orientation, names in ((self.horizontalHeader(), Qt.Orientation.Horizontal, model.input_names),
                                           (self.verticalHeader(), Qt.Orientation.Vertical, model.output_names)):
            if header.count() == 0:
                continue
            metrics = header.fontMetrics()
            if orientation == Qt.Orientation.Horizontal:
                key = (tuple(names), metrics.height())  # (one model serves every network: its names, not its id)
                if getattr(self, "_widest_name", (None, 0))[0] != key:  # 784 names measured once, not 3 times a second
                    self._widest_name = (key, max(metrics.horizontalAdvance(name) for name in names) + 8)
                needed = self._widest_name[1]
            else:
                needed = metrics.height()
            size = max(header.length() / header.count(), 1.0)  # stretched: every section as big (±1 px)
            # the first and last names are kept inside the header, up to half a name's room off
            # their section's centre: their neighbours are that much further
            every = 1 if needed <= size - 1 else math.ceil((1.5 * needed - size / 2 + 1) / size)
            model.set_named_every(orientation, every)
            if isinstance(header, NamesHeader):
                header.set_every(every)

    @answers_qt()
    def resizeEvent(self, event):  # noqa: N802
        super().resizeEvent(event)
        self.fit()

    paints_matrix = True  # False: a colour matrix painted by Qt's item delegate, which the tests compare with

    @answers_qt()
    def paintEvent(self, event):  # noqa: N802
        if self.matrix_mode() and self.paints_matrix and not self.model().checkable:  # (ticks: the delegate's)
            self._paint_matrix(event.rect())
        else:
            super().paintEvent(event)

    def _paint_matrix(self, area: QRect) -> None:
        """A colour matrix painted directly: each cell its tint, the selected cell the highlight,
        the grid, and the current cell through the item delegate (its focus frame is the style's),
        as Qt's table draws them. The delegate took ~16 ms for the 640 cells of the digits' matrix
        (each cell's roles asked one at a time, each cell styled), the longest part of a repaint
        while training and of an import's first paint; filled here, ~2 ms."""
        model = self.model()
        horizontal, vertical = self.horizontalHeader(), self.verticalHeader()
        columns = self._sections_in(horizontal, area.left(), area.right())
        rows = self._sections_in(vertical, area.top(), area.bottom())
        selected = {(index.row(), index.column()) for index in self.selectionModel().selectedIndexes()}
        palette = self.palette()
        highlight = palette.highlight().color()
        line = 1 if self.showGrid() else 0
        painter = QPainter(self.viewport())
        try:
            painter.fillRect(area, palette.base())
            lefts = [(column, horizontal.sectionViewportPosition(column), horizontal.sectionSize(column))
                     for column in columns]
            for row in rows:
                top, height = vertical.sectionViewportPosition(row), vertical.sectionSize(row)
                for column, left, width in lefts:
                    colour = highlight if (row, column) in selected else model.tint(row, column)
                    painter.fillRect(left, top, width - line, height - line, colour)
            if line and rows and columns:
                option = QStyleOptionViewItem()
                option.initFrom(self)
                grid = QColor.fromRgba(self.style().styleHint(QStyle.StyleHint.SH_Table_GridLineColor, option, self)
                                       & 0xFFFFFFFF)
                painter.setPen(QPen(grid, 0))
                bottom = vertical.sectionViewportPosition(rows[-1]) + vertical.sectionSize(rows[-1]) - 1
                right = lefts[-1][1] + lefts[-1][2] - 1
                for _column, left, width in lefts:
                    painter.drawLine(left + width - 1, area.top(), left + width - 1, bottom)
                for row in rows:
                    y = vertical.sectionViewportPosition(row) + vertical.sectionSize(row) - 1
                    painter.drawLine(area.left(), y, right, y)
            current = self.currentIndex()
            if current.isValid() and current.row() in rows and current.column() in columns:
                # the current cell as Qt's table draws it (its focus frame is the style's): through the delegate
                cell = QStyleOptionViewItem()
                self.initViewItemOption(cell)
                cell.rect = self.visualRect(current)
                if (current.row(), current.column()) in selected:
                    cell.state |= QStyle.StateFlag.State_Selected
                if self.hasFocus() or self.viewport().hasFocus():
                    cell.state |= QStyle.StateFlag.State_HasFocus
                self.style().drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewRow, cell, painter, self)
                self.itemDelegate().paint(painter, cell, current)
        finally:
            painter.end()

    @staticmethod
    def _sections_in(header: QHeaderView, start: int, end: int) -> list[int]:
        """The sections of ``header`` from viewport position ``start`` to ``end`` (never moved: the
        logical order is the visual one)."""
        if header.count() == 0:
            return []
        first, last = header.logicalIndexAt(start), header.logicalIndexAt(end)
        return list(range(max(first, 0), (last if last >= 0 else header.count() - 1) + 1))

    def _context_menu(self, position) -> None:
        model, index = self.model(), self.indexAt(position)
        if model is None or not index.isValid() or model.what != "weight":
            return
        frozen = bool(model.frozen[index.row(), index.column()])
        menu = QMenu(self)
        name = model.edge(index.row(), index.column())
        action = menu.addAction(f"Thaw {name}" if frozen else f"Freeze {name}")
        if menu.exec(self.viewport().mapToGlobal(position)) is action:
            self.freeze_requested.emit(index.row(), index.column(), not frozen)


class TintLegend(QWidget):
    """What the tables' tints mean: hue for the sign, strength for the size."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.largest = 0.0
        self.matrix = False
        self.digits: Digits = saved_digits()  # View → Digits, as the tables
        self.setMinimumHeight(self.fontMetrics().height() + 6)
        self.setToolTip("The tint of a cell: orange for negative, blue for positive; the stronger, the "
                        "larger its size, up to the largest in the table")

    def set_scale(self, largest: float, matrix: bool) -> None:
        if (largest, matrix) != (self.largest, self.matrix):
            self.largest, self.matrix = largest, matrix
            self.update()

    def texts(self) -> tuple[str, str, str]:
        """The words at the bar's left end, middle and right end: ``−0.23``, ``0``, ``+0.23``; with
        every number 0 (the digits' weights at the start) ``every one 0`` alone, not ``−0 0 +0``."""
        if self.largest == 0:
            return "", "every one 0", ""
        size = format_number(self.largest, self.digits)
        return "−" + size, "0", "+" + size

    @answers_qt()
    def paintEvent(self, event):  # noqa: N802
        painter = QPainter(self)
        metrics = self.fontMetrics()
        text = self.palette().windowText().color()
        low, middle, high = self.texts()
        left_w, right_w = metrics.horizontalAdvance(low) + 6, metrics.horizontalAdvance(high) + 6
        bar = QRectF(left_w, 3, max(20.0, self.width() - left_w - right_w), self.height() - 6)
        gradient = QLinearGradient(QPointF(bar.left(), 0), QPointF(bar.right(), 0))
        strong, faint = (1.0, 0.12) if self.matrix else (TINT_HIGH, TINT_LOW)
        for position, value, alpha in ((0.0, -1.0, strong), (0.5, -1.0, faint), (0.5, 1.0, faint), (1.0, 1.0, strong)):
            colour = style.sign_colour(value, self.palette())
            colour.setAlphaF(alpha)
            gradient.setColorAt(position, style.blend(colour, self.palette().base().color()))
        painter.fillRect(bar, gradient)
        painter.setPen(text)
        painter.drawText(QRectF(0, 0, left_w - 3, self.height()), Qt.AlignmentFlag.AlignRight
                         | Qt.AlignmentFlag.AlignVCenter, low)
        painter.drawText(QRectF(bar.right() + 3, 0, right_w, self.height()), Qt.AlignmentFlag.AlignLeft
                         | Qt.AlignmentFlag.AlignVCenter, high)
        painter.drawText(bar, Qt.AlignmentFlag.AlignCenter, middle)


class TablesPanel(QSplitter):
    """Weights and weight_deltas tabs over the arithmetic."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(Qt.Orientation.Vertical, parent)
        self.setChildrenCollapsible(False)
        self.tabs = QTabWidget()
        self.weight_view = WeightsTable()
        self.delta_view = WeightsTable()
        self.weight_view.setToolTip("Weights after the iteration shown: rows are outputs, columns inputs. "
                                    "Double-click to edit while paused; right-click (or tick) to freeze.")
        self.delta_view.setToolTip("The weight_deltas of the iteration shown (delta × input)")
        self.legend = TintLegend()
        self.moment_caption = QLabel()  # which moment the tables show
        self.moment_caption.setToolTip("The weights after the iteration shown (what its update made), and that "
                                       "iteration's weight_deltas")
        self.iteration: int | None = None
        self.digits: Digits = saved_digits()
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.setSpacing(2)
        self.tabs.addTab(self.weight_view, "Weights")
        self.tabs.addTab(self.delta_view, "Weight deltas")
        self.tabs.currentChanged.connect(lambda _i: self.update_legend())
        top_layout.addWidget(self.moment_caption)
        top_layout.addWidget(self.tabs, 1)
        self.matrix_caption = QLabel("A colour matrix: rows are outputs, columns inputs (hover a cell for its "
                                     "name and number; right-click to freeze).")
        self.matrix_caption.setWordWrap(True)
        self.matrix_caption.setVisible(False)
        top_layout.addWidget(self.matrix_caption)
        top_layout.addWidget(self.legend)
        self.arithmetic = ArithmeticView((), ())
        self.addWidget(top)
        self.addWidget(self.arithmetic)
        self.setStretchFactor(0, 1)
        self.setStretchFactor(1, 2)
        self.weight_model = WeightTableModel((), (), "weight", self)  # one each for every network (rebuild)
        self.delta_model = WeightTableModel((), (), "weight_delta", self)
        self.weight_view.setModel(self.weight_model)
        self.delta_view.setModel(self.delta_model)
        self._names: tuple = ()
        self.restored = False  # set by the window when it restores the saved sizes: then no fitting at first show
        self._fitted_once = False
        self.setMinimumWidth(240)

    @answers_qt()
    def showEvent(self, event):  # noqa: N802
        super().showEvent(event)
        if not self._fitted_once and not self.restored:
            self._fitted_once = True
            self.fit_tables_height()

    def rebuild(self, data: DataSet) -> bool:
        names = (data.input_names, data.output_names)
        if names == self._names:
            return False
        self._names = names
        self.weight_model.checkable = data.n_inputs <= TICKS_UP_TO
        for view in (self.weight_view, self.delta_view):  # rows sized to their contents would ask
            # every cell of the new names (10 rows of 784: 0.2-0.3 s) before fit() sizes them
            view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        for model in (self.weight_model, self.delta_model):
            model.set_names(*names)
            model.set_digits(self.digits)
        self.weight_view.fit()
        self.delta_view.fit()
        self.arithmetic.set_names(*names)
        self.fit_tables_height()
        return True

    def show_matrices(self, weights: np.ndarray, weight_deltas: np.ndarray, frozen: np.ndarray,
                      iteration: int | None = None) -> None:
        """The weights after ``iteration`` and its weight_deltas."""
        self.weight_model.set_matrix(weights, frozen)
        self.delta_model.set_matrix(weight_deltas, frozen)
        self.iteration = iteration
        self.weight_view.fit()
        self.delta_view.fit()
        self.update_legend()

    def set_digits(self, digits: Digits) -> None:
        """View → Digits, for both tables and the arithmetic."""
        self.digits = digits
        for model, view in ((self.weight_model, self.weight_view), (self.delta_model, self.delta_view)):
            model.set_digits(digits)
            view.fit()
        self.legend.digits = digits
        self.legend.update()
        self.arithmetic.set_digits(digits)

    def caption(self) -> str:
        """Which moment the table in front shows."""
        k = self.iteration
        if k is None:
            return ""
        if self.tabs.currentWidget() is self.delta_view:
            return "Weight deltas: none yet (iteration 0)" if k == 0 else f"Weight deltas of iteration {k:,}"
        return "Initial weights (iteration 0)" if k == 0 else f"Weights after iteration {k:,}"

    def update_legend(self) -> None:
        text = self.caption()
        if text != self.moment_caption.text():
            self.moment_caption.setText(text)
        view = self.tabs.currentWidget()
        if isinstance(view, WeightsTable) and (model := view.model()) is not None:
            self.legend.set_scale(model._largest, view.matrix_mode())
            self.matrix_caption.setVisible(view.matrix_mode())

    def width_for_numbers(self, columns: int) -> int:
        return self.weight_view.width_for_numbers(columns)

    def fit_tables_height(self) -> None:
        """The tables as tall as their rows need (up to half the column); the arithmetic the rest."""
        view = self.weight_view
        if view.model() is None or self.height() <= 0:
            return
        rows = view.model().rowCount()
        if not view.matrix_mode():  # a colour matrix's rows stretch (sized to contents: 784 cells a row)
            view.resizeRowsToContents()
        row_height = view.verticalHeader().sectionSize(0) if rows else 20
        wanted = (self.moment_caption.sizeHint().height() + self.tabs.tabBar().sizeHint().height()
                  + view.horizontalHeader().sizeHint().height()
                  + min(rows, 8) * row_height + 2 * view.frameWidth() + self.legend.minimumHeight() + 22)
        if view.matrix_mode():
            wanted = self.height() // 2
        top = min(wanted, self.height() // 2)
        self.setSizes([top, self.height() - top])
