"""The data table as an editor: add and remove examples and columns, rename a column (double-click
its header), copy and paste blocks of cells (Ctrl+C, Ctrl+V; tab- or comma-separated, as a
spreadsheet copies them). Each edit is one Undo step: a new session on the edited network
(:meth:`SessionController.edit_network`), the weights following their inputs and outputs.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QInputDialog, QLineEdit, QTableView

from gdviz.core import data_edit
from gdviz.core.data_edit import Network
from gdviz.ui.controller import SessionController


class DataEditor(QObject):
    """Edits of the data table ``view`` (whose model is the panel's DataTableModel), sent to ``controller``;
    a refused edit is told with ``refuse(message)`` and changes nothing."""

    image_requested = Signal(int)  # "Show example as image": the example (0-based) of the current row

    def __init__(self, view: QTableView, controller: SessionController, refuse: Callable[[str], None]):
        super().__init__(view)
        self.view, self.controller, self.refuse = view, controller, refuse
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        view.setSelectionMode(QTableView.SelectionMode.ExtendedSelection)
        self.actions: dict[str, QAction] = {}
        for key, text, shortcut, slot in (
            ("copy", "Copy cells", QKeySequence.StandardKey.Copy, self.copy),
            ("paste", "Paste cells (grows the table)", QKeySequence.StandardKey.Paste, self.paste),
            ("add_example", "Add example", None, self.add_example),
            ("remove_examples", "Remove selected examples", None, self.remove_examples),
            ("add_input", "Add input column", None, lambda: self.add_column("input")),
            ("add_output", "Add output column", None, lambda: self.add_column("target")),
            ("remove_columns", "Remove selected columns", None, self.remove_columns),
            ("rename", "Rename column…", None, self.rename_current),
            ("show_image", "Show example as image", None, self.show_image),
        ):
            action = QAction(text, view)
            if shortcut is not None:
                action.setShortcut(QKeySequence(shortcut))
                action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
            action.triggered.connect(slot)
            view.addAction(action)
            self.actions[key] = action
        view.horizontalHeader().sectionDoubleClicked.connect(self.rename_column)

        self.actions["show_image"].setVisible(False)  # shown for inputs that form an image (the window says)

    def show_image(self) -> None:
        """The current row's example drawn in the Weight images tab."""
        row = self.view.currentIndex().row()
        if row >= 0:
            self.image_requested.emit(row)

    # -- what is selected ----------------------------------------------------------------------------
    def network(self) -> Network:
        state = self.controller.state
        assert state is not None
        return Network(state.data, state.weights, state.frozen)

    def _cells(self) -> list[tuple[int, int]]:
        model = self.view.selectionModel()
        if model is None:
            return []
        cells = [(i.row(), i.column()) for i in model.selectedIndexes()]
        current = self.view.currentIndex()
        if not cells and current.isValid():
            cells = [(current.row(), current.column())]
        return cells

    def _kind(self, column: int) -> tuple[str, int]:
        n = self.network().data.n_inputs
        return ("input", column) if column < n else ("target", column - n)

    def _edit(self, text: str, make: Callable[[], Network]) -> None:
        try:
            network = make()
        except ValueError as exc:
            self.refuse(str(exc))
            return
        self.controller.edit_network(text, network)

    # -- the edits -----------------------------------------------------------------------------------
    def copy(self) -> None:
        cells = self._cells()
        if not cells:
            return
        rows = range(min(r for r, _ in cells), max(r for r, _ in cells) + 1)
        columns = range(min(c for _, c in cells), max(c for _, c in cells) + 1)
        clipboard = QApplication.clipboard()
        clipboard.setText(data_edit.copy_text(self.network().data, rows, columns))

    def paste(self) -> None:
        cells = self._cells()
        top, left = (min(r for r, _ in cells), min(c for _, c in cells)) if cells else (0, 0)
        block = data_edit.parse_block(QApplication.clipboard().text())
        size = f"{len(block)} × {max((len(r) for r in block), default=0)}"
        self._edit(f"Paste {size} cells", lambda: data_edit.paste(self.network(), top, left, block))

    def add_example(self) -> None:
        cells = self._cells()
        at = max(r for r, _ in cells) + 1 if cells else self.network().data.n_examples
        self._edit("Add example", lambda: data_edit.add_examples(self.network(), at))

    def remove_examples(self) -> None:
        rows = sorted({r for r, _ in self._cells()})
        if rows:
            what = f"example {rows[0]}" if len(rows) == 1 else f"{len(rows)} examples"
            self._edit(f"Remove {what}", lambda: data_edit.remove_examples(self.network(), rows))

    def add_column(self, kind: str) -> None:
        what = "input" if kind == "input" else "output"
        self._edit(f"Add {what}", lambda: data_edit.add_column(self.network(), kind))

    def remove_columns(self) -> None:
        columns = sorted({c for _, c in self._cells()})
        if not columns:
            return

        def make() -> Network:
            network = self.network()
            n = network.data.n_inputs
            inputs, targets = [c for c in columns if c < n], [c - n for c in columns if c >= n]
            if targets:
                network = data_edit.remove_columns(network, "target", targets)
            if inputs:
                network = data_edit.remove_columns(network, "input", inputs)
            return network

        self._edit(f"Remove {len(columns)} column{'s' * (len(columns) != 1)}", make)

    def rename_current(self) -> None:
        current = self.view.currentIndex()
        if current.isValid():
            self.rename_column(current.column())

    def rename_column(self, column: int) -> None:
        """Double-click on a header: ask for the new name."""
        kind, index = self._kind(column)
        data = self.network().data
        old = (data.input_names if kind == "input" else data.output_names)[index]
        name, ok = QInputDialog.getText(self.view, "Rename column", f"New name for the {kind} {old!r}:",
                                        QLineEdit.EchoMode.Normal, old)
        if ok and name != old:
            self._edit(f"Rename {old} to {name}", lambda: data_edit.rename(self.network(), kind, index, name))
