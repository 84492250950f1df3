"""Qt table models over the weights (and weight_deltas) and over the data set's examples."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QColor

from gdviz.core.dataset import DataSet
from gdviz.ui.parsing import format_number, parse_number

POSITIVE = QColor(37, 99, 235)  # blue
NEGATIVE = QColor(234, 88, 12)  # orange


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

    def set_matrix(self, matrix: np.ndarray, frozen: np.ndarray | None = None) -> None:
        self.matrix = np.array(matrix, dtype=float)
        if frozen is not None:
            self.frozen = np.array(frozen, dtype=bool)
        self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, self.columnCount() - 1))

    def rowCount(self, parent=QModelIndex()):  # noqa: N802 (Qt's name)
        return 0 if parent.isValid() else self.matrix.shape[0]

    def columnCount(self, parent=QModelIndex()):  # noqa: N802
        return 0 if parent.isValid() else self.matrix.shape[1]

    def headerData(self, section, orientation, role=Qt.DisplayRole):  # noqa: N802
        if role == Qt.DisplayRole:
            names = self.input_names if orientation == Qt.Horizontal else self.output_names
            return names[section]
        if role == Qt.ToolTipRole:
            return "input" if orientation == Qt.Horizontal else "output"
        return None

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        value = float(self.matrix[index.row(), index.column()])
        edge = f"{self.input_names[index.column()]} -> {self.output_names[index.row()]}"
        if role in (Qt.DisplayRole, Qt.EditRole):
            return format_number(value)
        if role == Qt.BackgroundRole:
            return tint(value, float(np.abs(self.matrix).max(initial=0.0)))
        if role == Qt.ToolTipRole:
            frozen = " (frozen)" if self.frozen[index.row(), index.column()] else ""
            return f"{self.what} {edge}{frozen}: {value!r}"
        if role == Qt.TextAlignmentRole:
            return int(Qt.AlignRight | Qt.AlignVCenter)
        if role == Qt.CheckStateRole and self.checkable:
            return Qt.Checked if self.frozen[index.row(), index.column()] else Qt.Unchecked
        return None

    checkable = False  # the weights table: a tick freezes the weight

    def flags(self, index):
        flags = Qt.ItemIsEnabled | Qt.ItemIsSelectable
        if self.checkable:
            flags |= Qt.ItemIsUserCheckable
        return flags | Qt.ItemIsEditable if self.editable else flags

    def setData(self, index, value, role=Qt.EditRole):  # noqa: N802
        if role == Qt.CheckStateRole and self.checkable:
            frozen = Qt.CheckState(value) == Qt.Checked if not isinstance(value, bool) else value
            self.freeze_requested.emit(index.row(), index.column(), frozen)
            return True
        if role != Qt.EditRole or not self.editable:
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
        self.headerDataChanged.emit(Qt.Vertical, 0, self.rowCount() - 1)

    def _column(self, column: int) -> tuple[str, int, str]:
        n = self.data_set.n_inputs
        if column < n:
            return "input", column, self.data_set.input_names[column]
        return "target", column - n, self.data_set.output_names[column - n]

    def rowCount(self, parent=QModelIndex()):  # noqa: N802
        return 0 if parent.isValid() else self.data_set.n_examples

    def columnCount(self, parent=QModelIndex()):  # noqa: N802
        return 0 if parent.isValid() else self.data_set.n_inputs + self.data_set.n_outputs

    def headerData(self, section, orientation, role=Qt.DisplayRole):  # noqa: N802
        if orientation == Qt.Horizontal:
            kind, _, name = self._column(section)
            if role == Qt.DisplayRole:
                return name if kind == "input" else f"→ {name}"
            if role == Qt.ToolTipRole:
                return f"{kind} {name}"
        elif role == Qt.DisplayRole:
            marker = "▶ " if section == self.current_example else ""
            return f"{marker}game {section}"
        elif role == Qt.ToolTipRole:
            return f"example {section}" + (" (being trained on)" if section == self.current_example else "")
        return None

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        kind, column, _ = self._column(index.column())
        array = self.data_set.inputs if kind == "input" else self.data_set.targets
        value = float(array[index.row(), column])
        if role in (Qt.DisplayRole, Qt.EditRole):
            return format_number(value)
        if role == Qt.TextAlignmentRole:
            return int(Qt.AlignRight | Qt.AlignVCenter)
        if role == Qt.ToolTipRole:
            return f"{kind} {value!r}"
        return None

    def flags(self, index):
        return Qt.ItemIsEnabled | Qt.ItemIsSelectable | Qt.ItemIsEditable

    def setData(self, index, value, role=Qt.EditRole):  # noqa: N802
        if role != Qt.EditRole:
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
