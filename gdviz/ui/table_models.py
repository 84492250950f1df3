"""Qt table models over the weights (and weight_deltas) and over the data set's examples.

Their numbers are written as everywhere in the window (View → Digits,
:func:`gdviz.core.numbers.format_number`). Every method Qt calls answers it even when a number
is infinite, NaN or 1e300 (:func:`gdviz.ui.guard.answers_qt`): a fault there would end the process.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QColor

from gdviz.core.dataset import DataSet, edge_name
from gdviz.core.numbers import Digits, format_number
from gdviz.ui import style
from gdviz.ui.guard import answers_qt
from gdviz.ui.parsing import parse_number
from gdviz.ui.precision import saved_digits

RIGHT_ALIGNED = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
# Enums are spelled in full (Qt.ItemDataRole.DisplayRole): PySide6's short forms (Qt.DisplayRole)
# cost ~7 µs a lookup, and a repaint calls data() for every role of every cell.
DISPLAY, EDIT, BACKGROUND, TOOLTIP = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole,
                                      Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ToolTipRole)
ALIGNMENT, CHECK = Qt.ItemDataRole.TextAlignmentRole, Qt.ItemDataRole.CheckStateRole

NO_VALUE = "–"  # a weight_delta of an iteration not done (iteration 0)
TINT_LOW, TINT_HIGH = 0.08, 0.45  # behind numbers: strong enough to read, faint enough to read through
MATRIX_LOW, MATRIX_HIGH = 0.12, 1.0  # a colour matrix has no numbers to keep readable


def tint(value: float, largest: float, low: float = TINT_LOW, high: float = TINT_HIGH) -> QColor:
    """A background that shows sign by hue and size by strength (see :func:`tint_legend`)."""
    colour = style.sign_colour(value)
    strength = 0.0 if largest <= 0 or not np.isfinite(value) else min(abs(value) / largest, 1.0)
    colour.setAlphaF(low + (high - low) * strength)
    return colour


class WeightTableModel(QAbstractTableModel):
    """Rows are outputs, columns are inputs; one matrix (the weights or the weight_deltas).

    Editing (only when :attr:`editable`) never changes the matrix itself: a valid number is
    announced with :attr:`edit_requested` (the trainer owns the weights), anything else with
    :attr:`edit_refused`. :attr:`digits` (significant digits shown, None for every digit) is
    View → Digits; a table too narrow for them scrolls. With :attr:`numbers_shown` off the table
    is a colour matrix and each number is in its cell's tooltip.
    """

    edit_requested = Signal(int, int, float)
    edit_refused = Signal(str)
    freeze_requested = Signal(int, int, bool)

    def __init__(self, input_names, output_names, what: str = "weight", parent=None):
        super().__init__(parent)
        self.what = what
        self._name(input_names, output_names)
        self.editable = False
        self.checkable = False  # the weights table: a tick freezes the weight
        self.digits: Digits = saved_digits()
        self.numbers_shown = True
        self._cells: dict[tuple[int, int], tuple[float, str, QColor]] = {}
        self._largest = 0.0  # the matrix's largest magnitude, for the tints
        self._signs = self._sign_colours()
        # a colour matrix's headers name every k-th input (columns) and output (rows): see set_named_every
        self.named_every = {Qt.Orientation.Horizontal: 1, Qt.Orientation.Vertical: 1}

    def _name(self, input_names, output_names) -> None:
        self.input_names, self.output_names = list(input_names), list(output_names)
        self.matrix = np.zeros((len(output_names), len(input_names)))
        self.frozen = np.zeros(self.matrix.shape, dtype=bool)
        self._cells = {}
        self._largest = 0.0

    def set_names(self, input_names, output_names) -> None:
        """Another network's names: every number 0 until :meth:`set_matrix` (one model for every
        network: a table given a new model took ~5 ms of an import's take-in, and the old ones
        were never freed)."""
        self.beginResetModel()
        self._name(input_names, output_names)
        self.named_every = {Qt.Orientation.Horizontal: 1, Qt.Orientation.Vertical: 1}
        self.endResetModel()

    def set_named_every(self, orientation: Qt.Orientation, every: int) -> None:
        """Name every ``every``-th section of the headers of ``orientation`` (the others blank,
        each name still in its header's tooltip): a colour matrix's 32 rows are too close for a
        name each."""
        if every != self.named_every[orientation]:
            self.named_every[orientation] = every
            count = self.columnCount() if orientation == Qt.Orientation.Horizontal else self.rowCount()
            self.headerDataChanged.emit(orientation, 0, count - 1)

    def set_matrix(self, matrix: np.ndarray, frozen: np.ndarray | None = None) -> None:
        matrix = np.array(matrix, dtype=float)
        frozen = self.frozen if frozen is None else np.array(frozen, dtype=bool)
        if matrix.shape == self.matrix.shape and matrix.tobytes() == self.matrix.tobytes() and \
                np.array_equal(frozen, self.frozen) and self._sign_colours() == self._signs:
            return  # the same numbers, bit for bit (a redraw for another view): no repaint of every
            # cell (a 784 × 10 colour matrix: 20-50 ms), e.g. when a background answer comes in
        self.matrix, self.frozen = matrix, frozen
        finite = np.abs(self.matrix[np.isfinite(self.matrix)])
        self._largest = float(finite.max(initial=0.0))
        self._changed()

    def set_digits(self, digits: Digits) -> None:
        if digits != self.digits:
            self.digits = digits
            self._changed()

    def set_numbers_shown(self, shown: bool) -> None:
        if shown != self.numbers_shown:
            self.numbers_shown = shown
            self._changed()

    @staticmethod
    def _sign_colours() -> dict[bool, QColor]:
        return {True: style.sign_colour(1.0), False: style.sign_colour(-1.0)}

    def _changed(self) -> None:
        self._cells.clear()
        self._signs = self._sign_colours()
        self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, self.columnCount() - 1))

    def text(self, value: float) -> str:
        """A cell's text, as the window writes numbers (the edit text keeps "-"); a weight_delta
        that is NaN is one not worked out yet (iteration 0): "–"."""
        return NO_VALUE if self.what != "weight" and np.isnan(value) else format_number(value, self.digits)

    def _cell(self, row: int, column: int) -> tuple[float, str, QColor]:
        """A cell's value, text and tint, worked out once per matrix: a repaint asks for each
        cell's roles one call at a time, and a Step repaints every cell."""
        cell = self._cells.get((row, column))
        if cell is None:
            value = float(self.matrix[row, column])
            low, high = (TINT_LOW, TINT_HIGH) if self.numbers_shown else (MATRIX_LOW, MATRIX_HIGH)
            # the two sign colours looked up once per matrix: a palette lookup a cell was ~25 ms a
            # 32 × 32 update (scrubbing repaints every cell of both tables at every move)
            colour = QColor(self._signs[bool(value >= 0)])  # NaN: the negative colour, as sign_colour gives
            largest = self._largest
            strength = 0.0 if largest <= 0 or not np.isfinite(value) else min(abs(value) / largest, 1.0)
            colour.setAlphaF(low + (high - low) * strength)
            cell = self._cells[row, column] = (value, self.text(value) if self.numbers_shown else "", colour)
        return cell

    def tint(self, row: int, column: int) -> QColor:
        """A cell's tint (its background): the sign's colour, as strong as the number is large."""
        return self._cell(row, column)[2]

    def edge(self, row: int, column: int) -> str:
        return edge_name(self.input_names[column], self.output_names[row], screen=True)

    @answers_qt(lambda *_: 0)
    def rowCount(self, parent=QModelIndex()):  # noqa: N802 (Qt's name)
        return 0 if parent.isValid() else self.matrix.shape[0]

    @answers_qt(lambda *_: 0)
    def columnCount(self, parent=QModelIndex()):  # noqa: N802
        return 0 if parent.isValid() else self.matrix.shape[1]

    @answers_qt()
    def headerData(self, section, orientation, role=DISPLAY):  # noqa: N802
        names = self.input_names if orientation == Qt.Orientation.Horizontal else self.output_names
        if role == DISPLAY:
            return names[section] if section % self.named_every[orientation] == 0 else ""
        if role == TOOLTIP:
            return f"{'input' if orientation == Qt.Orientation.Horizontal else 'output'} {names[section]}"
        return None

    @answers_qt()
    def data(self, index, role=DISPLAY):
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        if role == DISPLAY:
            return self._cell(row, column)[1]
        if role == EDIT:
            return repr(self._cell(row, column)[0])
        if role == BACKGROUND:
            return self.tint(row, column)
        if role == TOOLTIP:
            frozen = " (frozen)" if self.frozen[row, column] else ""
            value = self._cell(row, column)[0]
            return f"{self.what} {self.edge(row, column)}{frozen}: {value!r}"
        if role == ALIGNMENT:
            return RIGHT_ALIGNED
        if role == CHECK and self.checkable:
            return Qt.CheckState.Checked if self.frozen[row, column] else Qt.CheckState.Unchecked
        return None

    @answers_qt(lambda *_: Qt.ItemFlag.ItemIsEnabled)
    def flags(self, index):
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.checkable:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags | Qt.ItemFlag.ItemIsEditable if self.editable else flags

    @answers_qt(lambda *_: False)
    def setData(self, index, value, role=EDIT):  # noqa: N802
        if role == CHECK and self.checkable:
            frozen = Qt.CheckState(value) == Qt.CheckState.Checked if not isinstance(value, bool) else value
            self.freeze_requested.emit(index.row(), index.column(), frozen)
            return True
        if role != EDIT or not self.editable:
            return False
        try:
            number = parse_number(str(value), f"weight {self.edge(index.row(), index.column())}")
        except ValueError as exc:
            self.edit_refused.emit(str(exc))
            return False
        self.edit_requested.emit(index.row(), index.column(), number)
        return True


class DataTableModel(QAbstractTableModel):
    """One row per example; the inputs' columns, then the targets' columns.

    Cells accept finite numbers only. A valid edit is announced with :attr:`data_edited` (a new
    data set: the trainer owns the data, and the table shows it when the state says so);
    anything else with :attr:`edit_refused`, changing nothing.
    """

    data_edited = Signal(object)
    edit_refused = Signal(str)

    def __init__(self, data_set: DataSet, parent=None):
        super().__init__(parent)
        self.data_set = data_set
        self.current_example: int | None = 0  # None: every example is used (cycle, batch)
        self.digits: Digits = saved_digits()

    def set_digits(self, digits: Digits) -> None:
        """View → Digits (the columns fit their contents: a wider number widens its column)."""
        if digits != self.digits:
            self.digits = digits
            self.layoutAboutToBeChanged.emit()
            self.layoutChanged.emit()

    def set_data_set(self, data_set: DataSet) -> None:
        if data_set is self.data_set:
            return
        same_shape = (data_set.inputs.shape, data_set.targets.shape) == (self.data_set.inputs.shape,
                                                                         self.data_set.targets.shape)
        if not same_shape:
            self.beginResetModel()
        self.data_set = data_set
        if same_shape:
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, self.columnCount() - 1))
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, self.columnCount() - 1)
        else:
            self.endResetModel()

    def set_current_example(self, example: int | None) -> None:
        if example != self.current_example:
            self.current_example = example
            self.headerDataChanged.emit(Qt.Orientation.Vertical, 0, self.rowCount() - 1)

    def _column(self, column: int) -> tuple[str, int, str]:
        n = self.data_set.n_inputs
        if column < n:
            return "input", column, self.data_set.input_names[column]
        return "target", column - n, self.data_set.output_names[column - n]

    @answers_qt(lambda *_: 0)
    def rowCount(self, parent=QModelIndex()):  # noqa: N802
        return 0 if parent.isValid() else self.data_set.n_examples

    @answers_qt(lambda *_: 0)
    def columnCount(self, parent=QModelIndex()):  # noqa: N802
        return 0 if parent.isValid() else self.data_set.n_inputs + self.data_set.n_outputs

    @answers_qt()
    def headerData(self, section, orientation, role=DISPLAY):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal:
            kind, _, name = self._column(section)
            if role == DISPLAY:
                return name if kind == "input" else f"→ {name}"
            if role == TOOLTIP:
                return f"{kind} {name}"
        elif role == DISPLAY:
            return f"▶ {section}" if section == self.current_example else f"  {section}"
        elif role == TOOLTIP:
            return f"game (example) {section}" + (" — the iteration shown uses it" if section == self.current_example
                                                  else "")
        return None

    @answers_qt()
    def data(self, index, role=DISPLAY):
        if not index.isValid():
            return None
        kind, column, _ = self._column(index.column())
        array = self.data_set.inputs if kind == "input" else self.data_set.targets
        value = float(array[index.row(), column])
        if role == DISPLAY:
            return format_number(value, self.digits)
        if role == EDIT:
            return repr(value)
        if role == ALIGNMENT:
            return RIGHT_ALIGNED
        if role == TOOLTIP:
            return f"{kind} {value!r}"
        return None

    @answers_qt(lambda *_: Qt.ItemFlag.ItemIsEnabled)
    def flags(self, index):
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEditable

    @answers_qt(lambda *_: False)
    def setData(self, index, value, role=EDIT):  # noqa: N802
        if role != EDIT:
            return False
        kind, column, name = self._column(index.column())
        what = f"{kind} {name} of game {index.row()}"
        try:
            number = parse_number(str(value), what)
            if abs(number) > 1e100:
                raise ValueError(f"{what}: {number:g} is too large (keep it within ±1e100)")
        except ValueError as exc:
            self.edit_refused.emit(str(exc))
            return False
        self.data_edited.emit(self.data_set.with_value(kind, index.row(), column, number))
        return True
