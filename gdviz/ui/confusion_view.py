"""The Confusion tab: for data whose targets are one class per example, which class the network
takes each class's examples for, at the iteration shown.

An M × (M + 1) table of counts (row: the example's true class, "3"; column: the output with
the largest pred, "taken for 8", and last the ties: no single largest pred, as every example of an
untrained network), the diagonal tinted; clicking a cell lists its examples beside it, or under it
when the tab is narrow (their numbers, and their images when the inputs are an image); picking one
makes it the example trained on (the controller's set-example intent, as the "Train on example"
field) and the one the Weight images tab draws (the window wires :attr:`ConfusionView.example_picked`
and :attr:`ConfusionView.example_opened`). The numbers come from
:class:`gdviz.core.accuracy.Accuracy` (see :mod:`gdviz.ui.accuracy_view`, which feeds this view).
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QAbstractListModel, QAbstractTableModel, QEvent, QModelIndex, QSize, Qt, Signal, Slot
from PySide6.QtGui import QColor, QImage, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QListView,
    QSplitter,
    QStyle,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from gdviz.core import images
from gdviz.core.accuracy import TIE, Accuracy
from gdviz.core.dataset import DataSet
from gdviz.ui.guard import answers_qt

DISPLAY = Qt.ItemDataRole.DisplayRole
THUMBNAIL = 40  # px: an 8 × 8 digit at 5 px a pixel, still readable
LONGEST_NAME = 80  # px: a longer output name ("versicolor" fits) is cut in its header, whole in its tooltip
LIST_WIDTH = THUMBNAIL + 40  # px: the list of examples keeps at least one a row beside the table (1024 × 640)
LIST_HEIGHT = THUMBNAIL + 40  # px: under the table (a narrow tab), at least one row of images
TIE_NAME = "tie"
TIE_TIP = "no single largest pred"
RIGHT = QColor(60, 170, 80, 90)  # the diagonal
WRONG = (220, 60, 50)  # off the diagonal: stronger the larger the share of the row's examples
TIED = (128, 128, 128)  # the ties: no class named (every example at the start), not a confusion with another


class ConfusionModel(QAbstractTableModel):
    """The counts: row = the example's class, column = the class predicted, the last column the
    ties (:meth:`Accuracy.confusion`'s shape)."""

    def __init__(self, names, parent=None):
        super().__init__(parent)
        self.names = list(names)
        self.counts = np.zeros((len(self.names), len(self.names) + 1), dtype=np.int64)

    def set_counts(self, counts: np.ndarray) -> None:
        if counts.shape != self.counts.shape:
            raise ValueError(f"{self.counts.shape} counts expected, not {counts.shape}")
        if np.array_equal(counts, self.counts):
            return
        self.counts = counts
        if self.counts.size:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.names) - 1, len(self.names)))

    def is_tie(self, column: int) -> bool:
        return column == len(self.names)

    def column_name(self, column: int) -> str:
        return TIE_NAME if self.is_tie(column) else self.names[column]

    @answers_qt(lambda *_: 0)
    def rowCount(self, parent=QModelIndex()):  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.names)

    @answers_qt(lambda *_: 0)
    def columnCount(self, parent=QModelIndex()):  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.names) + 1

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
                tie = self.is_tie(column)
                return QColor(*(TIED if tie else WRONG), int(30 + (100 if tie else 170) * count / total))
            return None
        if role == Qt.ItemDataRole.ForegroundRole and count == 0:
            return QColor(128, 128, 128)
        if role == Qt.ItemDataRole.ToolTipRole:
            total = int(self.counts[row].sum())
            share = f" ({100 * count / total:.1f}% of the {total:,} examples of {self.names[row]})" if total else ""
            return f"{count:,} example{'s' * (count != 1)} of {self.names[row]} " \
                   f"{taken_text(self.names, row, column)}{share}; click to list them"
        return None

    @answers_qt()
    def headerData(self, section, orientation, role=DISPLAY):  # noqa: N802
        vertical = orientation == Qt.Orientation.Vertical
        if not 0 <= section < len(self.names) + (0 if vertical else 1):
            return None
        name = self.column_name(section)
        if role == DISPLAY:
            return name
        if role == Qt.ItemDataRole.ToolTipRole:
            if vertical:
                return f"True class {name}: the examples whose target is {name}"
            if self.is_tie(section):
                return (f"Tie: {TIE_TIP} (two or more outputs share the largest, as every pred 0 before "
                        "training): counted wrong")
            return f"Taken for {name}: the examples whose largest pred is output {name}'s"
        return None


def taken_text(names: list[str], row: int, column: int) -> str:
    """What the examples of cell (row, column) were taken for, in words."""
    if column == len(names):
        return f"with {TIE_TIP}"
    return "taken for what they are" if row == column else f"taken for {names[column]}"


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
                low, high = data.input_range  # worked out once per data set (by the import, on its thread)
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
    picks an example in the list (a click, the keys), ``example_opened(k)`` when they double-click
    it (the window shows it in the Weight images tab)."""

    example_picked = Signal(int)
    example_opened = Signal(int)

    def __init__(self, output_names, parent=None):
        super().__init__(parent)
        self.names = list(output_names)
        self.accuracy: Accuracy | None = None
        self.data: DataSet | None = None
        self.cell: tuple[int, int] | None = None  # the cell whose examples are listed
        self.image_tab = False  # the window also shows a picked example in the Weight images tab
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
            header.setMinimumSectionSize(1)
        self._column_text = ""
        self._table_width = self._table_height = 0
        self.table.clicked.connect(self._on_cell)
        self.table.selectionModel().currentChanged.connect(self._on_cell)  # moved to with the keys
        self.table.setToolTip("Rows: the examples' true class. Columns: the output with the largest pred "
                              f"(taken for 8), last the ties ({TIE_TIP}). Click a cell to list its examples")
        self.caption = QLabel("rows: the true class · columns: taken for")
        self.caption.setWordWrap(True)  # never wider than the table (at 200 %)
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
        self.examples.setToolTip("Click an example to make it the one trained on in example mode (Train on "
                                 "example) and the one the Weight images tab draws; double-click to go there")
        self.examples.clicked.connect(self._on_example)
        self.examples.activated.connect(self._on_example)
        self.examples.doubleClicked.connect(self._on_open)
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
        self.pick_note.setToolTip("The example picked is the one example mode trains on (the Train on example "
                                  "field), and the one the Weight images tab draws")
        right_layout.addWidget(self.pick_note)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self._layout = layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addWidget(self.line)
        layout.addWidget(self.splitter, 1)
        self._fit_columns(999)

    def _fit_columns(self, largest: int) -> None:
        """Columns as narrow as the largest count a cell can hold (its class's examples: the digits'
        183 fit 3 digits) with the cell's own margins, rows as high as the font, the table as wide
        as its columns; the list of examples takes the rest. Measured again when the font changes
        (View → Zoom): a width kept from the old font cut "178" to "…" at 125 %."""
        text = f"{max(largest, 999):,}"
        if text == self._column_text:
            return
        self._column_text = text
        table = self.table
        metrics = table.fontMetrics()
        # a cell's text keeps the focus frame's margin and a pixel each side (QCommonStyle's item view)
        margin = table.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, table) + 1
        names = max((metrics.horizontalAdvance(self.model.column_name(c)) for c in range(len(self.names) + 1)),
                    default=0)
        header = table.horizontalHeader()
        header.setDefaultSectionSize(max(metrics.horizontalAdvance(text), min(names, LONGEST_NAME)) + 2 * margin + 2)
        rows = table.verticalHeader()
        rows.setDefaultSectionSize(metrics.height() + 4)
        frame = 2 * table.frameWidth()
        width = rows.sizeHint().width() + header.length() + frame
        height = header.sizeHint().height() + rows.length() + frame
        # the scroll bars only when the table is given less than it needs (a narrow or low tab)
        table.setMinimumWidth(min(width, 200))
        table.setMaximumWidth(width + table.verticalScrollBar().sizeHint().width())
        table.setMinimumHeight(min(height, 120))
        self._table_width, self._table_height = width, height
        if getattr(self, "_sized", False):
            self._arrange()

    def refit(self) -> None:
        """Measure the columns and rows again with the font as it is now, and share the room again."""
        self._column_text = ""
        self._fit_columns(self._largest())

    def _largest(self) -> int:
        counts = self.model.counts
        return int(counts.sum(axis=1).max(initial=0))

    @answers_qt()
    def changeEvent(self, event):  # noqa: N802
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange and hasattr(self, "model"):  # the children have it already
            self.refit()

    @answers_qt()
    def showEvent(self, event):  # noqa: N802
        """At first show the table takes the width of its columns, the list the rest."""
        super().showEvent(event)
        if not getattr(self, "_sized", False):
            self._sized = True
            self._arrange()

    @answers_qt()
    def resizeEvent(self, event):  # noqa: N802
        super().resizeEvent(event)
        if getattr(self, "_sized", False) and self._orientation() != self.splitter.orientation():
            self._arrange()

    def _orientation(self) -> Qt.Orientation:
        """Side by side where the whole table and a column of images fit across; else the list under
        the table where the table and a row of images fit down (a narrow, tall tab)."""
        margins = self._layout.contentsMargins()
        across = self.width() - margins.left() - margins.right() - self.splitter.handleWidth()
        down = self.height() - margins.top() - margins.bottom() - self.line.sizeHint().height() - 4
        if across >= self._table_width + LIST_WIDTH:
            return Qt.Orientation.Horizontal
        if down >= self._table_height + self.caption.sizeHint().height() + LIST_HEIGHT:
            return Qt.Orientation.Vertical
        return Qt.Orientation.Horizontal

    def _arrange(self) -> None:
        """The table its own size (the list the rest, at least a column or a row of images)."""
        orientation = self._orientation()
        self.splitter.setOrientation(orientation)
        total = sum(self.splitter.sizes())
        if total <= 0:
            return
        if orientation == Qt.Orientation.Horizontal:
            table = max(min(self._table_width, total - LIST_WIDTH), total // 2)
        else:
            table = max(min(self._table_height + self.caption.sizeHint().height() + 2, total - LIST_HEIGHT),
                        total // 2)
        self.splitter.setSizes([table, total - table])

    def show_accuracy(self, accuracy: Accuracy | None, data: DataSet | None, iteration: int | None,
                      pending: bool = False) -> None:
        """``accuracy`` of ``data`` at ``iteration`` (``pending``: a newer one is being worked out)."""
        self.accuracy, self.data = accuracy, data
        if accuracy is None:
            self.line.setText("accuracy … (every example's preds are being worked out)" if pending else
                              "The targets are not one class per example: no accuracy to show")
            self.model.set_counts(np.zeros((len(self.names), len(self.names) + 1), dtype=np.int64))
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
        found = self.accuracy.examples_in(row, TIE if self.model.is_tie(column) else column)
        scroll = self.examples.verticalScrollBar()
        at = scroll.value()  # while training the list changes a few times a second: the place it was read at stays
        self.examples_model.set_examples(found, self.data)
        scroll.setValue(at)
        what = taken_text(self.names, row, column)
        self.examples_title.setText(f"{len(found):,} example{'s' * (len(found) != 1)} of {self.names[row]} {what}")

    def _example_at(self, index: QModelIndex) -> int | None:
        if not index.isValid() or not 0 <= index.row() < len(self.examples_model.examples):
            return None
        return int(self.examples_model.examples[index.row()])

    @Slot(QModelIndex)
    def _on_example(self, index: QModelIndex) -> None:
        example = self._example_at(index)
        if example is not None:
            self.example_picked.emit(example)
            shown = "; drawn in Weight images (double-click to go there)" if self.image_tab else ""
            self.pick_note.setText(f"Train on example: {example}{shown}")

    @Slot(QModelIndex)
    def _on_open(self, index: QModelIndex) -> None:
        example = self._example_at(index)
        if example is not None:
            self.example_opened.emit(example)
