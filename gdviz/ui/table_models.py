"""Qt table models over the weights (and weight_deltas) and over the data set's examples."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QColor

from gdviz.core.dataset import DataSet
from gdviz.ui.parsing import format_number, parse_number

POSITIVE = QColor(37, 99, 235)  # blue
NEGATIVE = QColor(234, 88, 12)  # orange
RIGHT_ALIGNED = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
# Enums are spelled in full (Qt.ItemDataRole.DisplayRole): PySide6's short forms (Qt.DisplayRole)
# cost ~7 µs a lookup, and a repaint calls data() for every role of every cell.


def tint(value: float, largest: float) -> QColor:
    """A background that shows sign by hue and size by strength."""
    colour = QColor(POSITIVE if value >= 0 else NEGATIVE)
    strength = 0.0 if largest <= 0 else min(abs(value) / largest, 1.0)
    colour.setAlphaF(0.08 + 0.37 * strength)
    return colour


class WeightTableModel(QAbstractTableModel):
    """Rows are outputs, columns are inputs; one matrix (the weights or the weight_deltas).

    Editing (only when :attr:`editable`) never changes the matrix itself: a valid number is
    announced with :attr:`edit_requested` (the trainer owns the weights), anything else with
    :attr:`edit_refused`.
    """

    edit_requested = Signal(int, int, float)
    edit_refused = Signal(str)
    freeze_requested = Signal(int, int, bool)

    def __init__(self, input_names, output_names, what: str = "weight", parent=None):
        super().__init__(parent)
        self.input_names, self.output_names, self.what = list(input_names), list(output_names), what
        self.matrix = np.zeros((len(output_names), len(input_names)))
        self.frozen = np.zeros(self.matrix.shape, dtype=bool)
        self.editable = False
        self._cells: dict[tuple[int, int], tuple[float, str, QColor]] = {}
        self._largest = 0.0  # the matrix's largest magnitude, for the tints

    def set_matrix(self, matrix: np.ndarray, frozen: np.ndarray | None = None) -> None:
        self.matrix = np.array(matrix, dtype=float)
        if frozen is not None:
            self.frozen = np.array(frozen, dtype=bool)
        self._largest = float(np.abs(self.matrix).max(initial=0.0))
        self._cells.clear()
        self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, self.columnCount() - 1))

    def _cell(self, row: int, column: int) -> tuple[float, str, QColor]:
        """A cell's value, text and tint, worked out once per matrix: a repaint asks for each
        cell's roles one call at a time, and a Step repaints every cell."""
        cell = self._cells.get((row, column))
        if cell is None:
            value = float(self.matrix[row, column])
            cell = self._cells[row, column] = (value, format_number(value), tint(value, self._largest))
        return cell

    def rowCount(self, parent=QModelIndex()):  # noqa: N802 (Qt's name)
        return 0 if parent.isValid() else self.matrix.shape[0]

    def columnCount(self, parent=QModelIndex()):  # noqa: N802
        return 0 if parent.isValid() else self.matrix.shape[1]

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole:
            names = self.input_names if orientation == Qt.Orientation.Horizontal else self.output_names
            return names[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return "input" if orientation == Qt.Orientation.Horizontal else "output"
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return self._cell(row, column)[1]
        if role == Qt.ItemDataRole.BackgroundRole:
            return self._cell(row, column)[2]
        if role == Qt.ItemDataRole.ToolTipRole:
            edge = f"{self.input_names[column]} -> {self.output_names[row]}"
            frozen = " (frozen)" if self.frozen[row, column] else ""
            return f"{self.what} {edge}{frozen}: {self._cell(row, column)[0]!r}"
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return RIGHT_ALIGNED
        if role == Qt.ItemDataRole.CheckStateRole and self.checkable:
            return Qt.CheckState.Checked if self.frozen[row, column] else Qt.CheckState.Unchecked
        return None

    checkable = False  # the weights table: a tick freezes the weight

    def flags(self, index):
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.checkable:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags | Qt.ItemFlag.ItemIsEditable if self.editable else flags

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole):  # noqa: N802
        if role == Qt.ItemDataRole.CheckStateRole and self.checkable:
            frozen = Qt.CheckState(value) == Qt.CheckState.Checked if not isinstance(value, bool) else value
            self.freeze_requested.emit(index.row(), index.column(), frozen)
            return True
        if role != Qt.ItemDataRole.EditRole or not self.editable:
            return False
        edge = f"{self.input_names[index.column()]} -> {self.output_names[index.row()]}"
        try:
            number = parse_number(str(value), f"weight {edge}")
        except ValueError as exc:
            self.edit_refused.emit(str(exc))
            return False
        self.edit_requested.emit(index.row(), index.column(), number)
        return True


class DataTableModel(QAbstractTableModel):
    """One row per example; the inputs' columns, then the targets' columns.

    Cells accept finite numbers only. A valid edit replaces :attr:`data_set` and is announced
    with :attr:`data_edited`; anything else with :attr:`edit_refused`, changing nothing.
    """

    data_edited = Signal(object)
    edit_refused = Signal(str)

    def __init__(self, data_set: DataSet, parent=None):
        super().__init__(parent)
        self.data_set = data_set
        self.current_example = 0

    def set_current_example(self, example: int) -> None:
        self.current_example = example
        self.headerDataChanged.emit(Qt.Orientation.Vertical, 0, self.rowCount() - 1)

    def _column(self, column: int) -> tuple[str, int, str]:
        n = self.data_set.n_inputs
        if column < n:
            return "input", column, self.data_set.input_names[column]
        return "target", column - n, self.data_set.output_names[column - n]

    def rowCount(self, parent=QModelIndex()):  # noqa: N802
        return 0 if parent.isValid() else self.data_set.n_examples

    def columnCount(self, parent=QModelIndex()):  # noqa: N802
        return 0 if parent.isValid() else self.data_set.n_inputs + self.data_set.n_outputs

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal:
            kind, _, name = self._column(section)
            if role == Qt.ItemDataRole.DisplayRole:
                return name if kind == "input" else f"→ {name}"
            if role == Qt.ItemDataRole.ToolTipRole:
                return f"{kind} {name}"
        elif role == Qt.ItemDataRole.DisplayRole:
            marker = "▶ " if section == self.current_example else ""
            return f"{marker}game {section}"
        elif role == Qt.ItemDataRole.ToolTipRole:
            return f"example {section}" + (" (being trained on)" if section == self.current_example else "")
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        kind, column, _ = self._column(index.column())
        array = self.data_set.inputs if kind == "input" else self.data_set.targets
        value = float(array[index.row(), column])
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return format_number(value)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return RIGHT_ALIGNED
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{kind} {value!r}"
        return None

    def flags(self, index):
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEditable

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole):  # noqa: N802
        if role != Qt.ItemDataRole.EditRole:
            return False
        kind, column, name = self._column(index.column())
        try:
            number = parse_number(str(value), f"{kind} {name} of game {index.row()}")
            if abs(number) > 1e100:
                raise ValueError(f"{kind} {name}: {number:g} is too large (keep it within ±1e100)")
        except ValueError as exc:
            self.edit_refused.emit(str(exc))
            return False
        self.data_set = self.data_set.with_value(kind, index.row(), column, number)
        self.dataChanged.emit(index, index)
        self.data_edited.emit(self.data_set)
        return True
