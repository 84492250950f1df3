"""The Confusion tab: for data whose targets are one class per example, which class the network
takes each class's examples for, at the iteration shown.

An M × M table of counts (row: the example's class, "shown 3"; column: the output with the
largest pred, "taken for 8"), the diagonal tinted; clicking a cell lists its examples beside it
(their numbers, and their images when the inputs are an image); picking one makes it the example
trained on (the controller's set-example intent, as the "Train on game" field). The numbers come
from :class:`gdviz.core.accuracy.Accuracy` (see :mod:`gdviz.ui.accuracy_view`, which feeds this view).
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QAbstractListModel, QAbstractTableModel, QModelIndex, QSize, Qt, Signal, Slot
from PySide6.QtGui import QColor, QImage, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QListView,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from gdviz.core import images
from gdviz.core.accuracy import Accuracy
from gdviz.core.dataset import DataSet
from gdviz.ui.guard import answers_qt

DISPLAY = Qt.ItemDataRole.DisplayRole
THUMBNAIL = 40  # px: an 8 × 8 digit at 5 px a pixel, still readable
LONGEST_NAME = 80  # px: a longer output name ("versicolor" fits) is cut in its header, whole in its tooltip
LIST_WIDTH = THUMBNAIL + 40  # px: the list of examples keeps at least one a row beside the table (1024 × 640)
RIGHT = QColor(60, 170, 80, 90)  # the diagonal
WRONG = (220, 60, 50)  # off the diagonal: stronger the larger the share of the row's examples


class ConfusionModel(QAbstractTableModel):
    """The counts: row = the example's class, column = the class predicted."""

    def __init__(self, names, parent=None):
        super().__init__(parent)
        self.names = list(names)
        self.counts = np.zeros((len(self.names), len(self.names)), dtype=np.int64)

    def set_counts(self, counts: np.ndarray) -> None:
        if counts.shape == self.counts.shape and np.array_equal(counts, self.counts):
            return
        self.counts = counts
        if self.counts.size:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.names) - 1, len(self.names) - 1))

    @answers_qt(lambda *_: 0)
    def rowCount(self, parent=QModelIndex()):  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.names)

    @answers_qt(lambda *_: 0)
    def columnCount(self, parent=QModelIndex()):  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.names)

    @answers_qt()
    def data(self, index, role=DISPLAY):
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        count = int(self.counts[row, column])
        if role == DISPLAY:
            return f"{count:,}"
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole:
            if row == column:
                return RIGHT
            total = int(self.counts[row].sum())
            if count and total:
                return QColor(*WRONG, int(30 + 170 * count / total))
            return None
        if role == Qt.ItemDataRole.ForegroundRole and count == 0:
            return QColor(128, 128, 128)
        if role == Qt.ItemDataRole.ToolTipRole:
            total = int(self.counts[row].sum())
            shown, taken = self.names[row], self.names[column]
            share = f" ({100 * count / total:.1f}% of the {total:,} examples of {shown})" if total else ""
            what = "taken for what they are" if row == column else f"taken for {taken}"
            return f"{count:,} example{'s' * (count != 1)} of {shown} {what}{share}; click to list them"
        return None

    @answers_qt()
    def headerData(self, section, orientation, role=DISPLAY):  # noqa: N802
        if not 0 <= section < len(self.names):
            return None
        name = self.names[section]
        if role == DISPLAY:
            return name
        if role == Qt.ItemDataRole.ToolTipRole:
            if orientation == Qt.Orientation.Vertical:
                return f"Shown {name}: the examples whose target is {name}"
            return f"Taken for {name}: the examples whose largest pred is output {name}'s"
        return None


class ExamplesModel(QAbstractListModel):
    """Examples by number, each with its image (made when first drawn) if the inputs are an image."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.examples = np.zeros(0, dtype=np.int64)
        self.data_set: DataSet | None = None
        self._shape: tuple[int, int] | None = None
        self._pixmaps: dict[int, QPixmap] = {}
        self._scale = (0.0, 1.0)

    def set_examples(self, examples: np.ndarray, data: DataSet | None) -> None:
        if data is self.data_set and np.array_equal(examples, self.examples):
            return
        self.beginResetModel()
        if data is not self.data_set:
            self._pixmaps.clear()
            self.data_set = data
            self._shape = images.image_shape(data) if data is not None else None
            if data is not None and data.inputs.size:
                low, high = float(np.min(data.inputs)), float(np.max(data.inputs))
                self._scale = (low, high if high > low else low + 1.0)
        self.examples = np.asarray(examples, dtype=np.int64)
        self.endResetModel()

    @answers_qt(lambda *_: 0)
    def rowCount(self, parent=QModelIndex()):  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.examples)

    @answers_qt()
    def data(self, index, role=DISPLAY):
        if not index.isValid() or not 0 <= index.row() < len(self.examples):
            return None
        example = int(self.examples[index.row()])
        if role == DISPLAY:
            return str(example)
        if role == Qt.ItemDataRole.DecorationRole and self._shape is not None:
            return self._pixmap(example)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"Example {example}: click to make it the example trained on in example mode"
        if role == Qt.ItemDataRole.UserRole:
            return example
        return None

    def _pixmap(self, example: int) -> QPixmap:
        pixmap = self._pixmaps.get(example)
        if pixmap is None:
            assert self.data_set is not None and self._shape is not None  # set_examples found them
            values = np.asarray(images.example_image(self.data_set, example, self._shape), dtype=np.float64)
            low, high = self._scale
            grey = np.nan_to_num((high - values) / (high - low) * 255, nan=128.0)  # ink dark on white
            grey = np.ascontiguousarray(np.clip(grey, 0, 255).astype(np.uint8))
            rows, columns = grey.shape
            image = QImage(grey.data, columns, rows, columns, QImage.Format.Format_Grayscale8).copy()
            pixmap = QPixmap.fromImage(image.scaled(THUMBNAIL, THUMBNAIL, Qt.AspectRatioMode.KeepAspectRatio,
                                                    Qt.TransformationMode.FastTransformation))
            self._pixmaps[example] = pixmap
        return pixmap


class ConfusionView(QWidget):
    """Shows an :class:`Accuracy` (:meth:`show_accuracy`); ``example_picked(k)`` when the learner
    picks an example in the list."""

    example_picked = Signal(int)

    def __init__(self, output_names, parent=None):
        super().__init__(parent)
        self.names = list(output_names)
        self.accuracy: Accuracy | None = None
        self.data: DataSet | None = None
        self.cell: tuple[int, int] | None = None  # the cell whose examples are listed
        self.line = QLabel()
        self.line.setToolTip("The share of examples whose largest pred is their target's class, at the "
                             "iteration shown")
        self.model = ConfusionModel(self.names, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        for header in (self.table.horizontalHeader(), self.table.verticalHeader()):
            header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
            header.setHighlightSections(True)
        self._column_text = ""
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 6)
        self.table.clicked.connect(self._on_cell)
        self.table.selectionModel().currentChanged.connect(self._on_cell)  # moved to with the keys
        self.table.setToolTip("Rows: the examples' class (shown 3). Columns: the output with the largest "
                              "pred (taken for 8). Click a cell to list its examples")
        self.caption = QLabel("rows: the class shown · columns: taken for")
        self.examples_title = QLabel("Click a cell to list its examples")
        self.examples_title.setWordWrap(True)
        self.examples_model = ExamplesModel(self)
        self.examples = QListView()
        self.examples.setModel(self.examples_model)
        self.examples.setViewMode(QListView.ViewMode.IconMode)
        self.examples.setResizeMode(QListView.ResizeMode.Adjust)
        self.examples.setMovement(QListView.Movement.Static)
        self.examples.setUniformItemSizes(True)  # only the items in view are asked for (their images)
        self.examples.setIconSize(QSize(THUMBNAIL, THUMBNAIL))
        self.examples.setSpacing(2)
        self.examples.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.examples.setToolTip("Click an example to make it the one trained on in example mode (Train on game)")
        self.examples.clicked.connect(self._on_example)
        self.examples.activated.connect(self._on_example)
        left, right = QWidget(), QWidget()
        left_layout, right_layout = QVBoxLayout(left), QVBoxLayout(right)
        for layout in (left_layout, right_layout):
            layout.setContentsMargins(0, 0, 0, 0)
            layout.setSpacing(2)
        left_layout.addWidget(self.caption)
        left_layout.addWidget(self.table, 1)
        right_layout.addWidget(self.examples_title)
        right_layout.addWidget(self.examples, 1)
        self.pick_note = QLabel()  # what a pick did: the mode decides whether Step uses it
        self.pick_note.setWordWrap(True)
        self.pick_note.setToolTip("The example picked is the one example mode trains on (the Train on example field)")
        right_layout.addWidget(self.pick_note)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addWidget(self.line)
        layout.addWidget(self.splitter, 1)
        self._fit_columns(999)

    def _fit_columns(self, largest: int) -> None:
        """Columns as narrow as the largest count a cell can hold (its class's examples: the digits'
        183 fit 3 digits, and ten columns leave the list room at 1366 × 768), the table as wide
        as its columns; the list of examples takes the rest."""
        text = f"{max(largest, 999):,}"
        if text == self._column_text:
            return
        self._column_text = text
        table = self.table
        header = table.horizontalHeader()
        header.setMinimumSectionSize(1)
        metrics = table.fontMetrics()
        names = max((metrics.horizontalAdvance(name) for name in self.names), default=0)
        header.setDefaultSectionSize(max(metrics.horizontalAdvance(text), min(names, LONGEST_NAME)) + 8)
        width = (table.verticalHeader().sizeHint().width() + table.horizontalHeader().length()
                 + 2 * table.frameWidth() + table.verticalScrollBar().sizeHint().width())
        table.setMinimumWidth(min(width, 260))
        table.setMaximumWidth(width)
        self._table_width = width

    @answers_qt()
    def showEvent(self, event):  # noqa: N802
        """At first show the table takes the width of its columns, the list the rest."""
        super().showEvent(event)
        if not getattr(self, "_sized", False):
            self._sized = True
            total = sum(self.splitter.sizes())
            if total > 0:  # the list keeps room for an image a row
                table = max(min(self._table_width, total - LIST_WIDTH), total // 2)
                self.splitter.setSizes([table, total - table])

    def show_accuracy(self, accuracy: Accuracy | None, data: DataSet | None, iteration: int | None,
                      pending: bool = False) -> None:
        """``accuracy`` of ``data`` at ``iteration`` (``pending``: a newer one is being worked out)."""
        self.accuracy, self.data = accuracy, data
        if accuracy is None:
            self.line.setText("accuracy … (every example's preds are being worked out)" if pending else
                              "The targets are not one class per example: no accuracy to show")
            self.model.set_counts(np.zeros((len(self.names),) * 2, dtype=np.int64))
        else:
            at = f" at iteration {iteration:,}" if iteration is not None else ""
            self.line.setText(f"{accuracy.text()}{at}{' …' if pending else ''}")
            counts = accuracy.confusion(len(self.names))
            self._fit_columns(int(counts.sum(axis=1).max(initial=0)))
            self.model.set_counts(counts)
        self._list()

    @Slot(QModelIndex)
    def _on_cell(self, index: QModelIndex) -> None:
        if index.isValid():
            self.cell = (index.row(), index.column())
            self._list()

    def _list(self) -> None:
        if self.cell is None or self.accuracy is None:
            self.examples_model.set_examples(np.zeros(0, dtype=np.int64), self.data)
            self.examples_title.setText("Click a cell to list its examples")
            return
        row, column = self.cell
        found = self.accuracy.examples_in(row, column)
        scroll = self.examples.verticalScrollBar()
        at = scroll.value()  # while training the list changes a few times a second: the place it was read at stays
        self.examples_model.set_examples(found, self.data)
        scroll.setValue(at)
        shown, taken = self.names[row], self.names[column]
        what = "taken for what they are" if row == column else f"taken for {taken}"
        self.examples_title.setText(f"{len(found):,} example{'s' * (len(found) != 1)} of {shown} {what}")

    @Slot(QModelIndex)
    def _on_example(self, index: QModelIndex) -> None:
        if index.isValid():
            example = int(self.examples_model.examples[index.row()])
            self.example_picked.emit(example)
            self.pick_note.setText(f"Train on example: {example}")
