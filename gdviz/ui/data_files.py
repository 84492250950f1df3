"""File → Import data… and Data → Export data…: a learner's own CSV or TSV in, the data set out.

The import shows a preview of the file's first rows, lets the learner say which columns are
inputs, which are targets and which one holds class labels (one output per class), then reads
the whole file on a background job with progress and Cancel. A file that does not fit is
refused with a message naming the row and column, and the session stays as it was.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gdviz.core.data_import import (
    DataImportError,
    Imported,
    Preview,
    data_csv,
    load_data,
    preview,
    read_pieces,
    read_text,
)
from gdviz.core.files import atomic_write, describe_error
from gdviz.core.images import parse_image_size, size_text
from gdviz.core.keyframes import keyframe_interval
from gdviz.core.presets import data_mode, data_training, default_alpha

if TYPE_CHECKING:
    from gdviz.ui.controller import SessionController
    from gdviz.ui.file_actions import FileActions

DATA_FILTER = "CSV or TSV files (*.csv *.tsv *.txt);;All files (*)"
PREVIEW_BYTES = 1 << 20
PREVIEW_COLUMNS = 60  # columns shown in the preview (all of them are listed for choosing)
ROLES = {"input": "input", "target": "target", "class": "classes (one-hot)", "": "not used"}


def guessed_roles(shown: Preview) -> list[str]:
    """What a learner most often wants: the last column is the target (or the class labels, if
    it holds text); every other column of numbers is an input."""
    roles = ["input" if numeric else "" for numeric in shown.numeric]
    roles[-1] = "target" if shown.numeric[-1] else "class"
    return roles


class ImportDialog(QDialog):
    """The file's first rows, and a role for each column: input, target, classes or not used."""

    def __init__(self, shown: Preview, file_name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(f"Import data — {file_name}")
        self.shown = shown
        self.roles = guessed_roles(shown)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"{file_name}: {shown.dialect.describe()}; the first {len(shown.rows)} rows:"))
        self.preview = QTableWidget(len(shown.rows), min(len(shown.names), PREVIEW_COLUMNS), self)
        self.preview.setHorizontalHeaderLabels(list(shown.names[:PREVIEW_COLUMNS]))
        self.preview.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        for r, row in enumerate(shown.rows):
            for c, text in enumerate(row[:PREVIEW_COLUMNS]):
                self.preview.setItem(r, c, QTableWidgetItem(text))
        layout.addWidget(self.preview, 2)
        layout.addWidget(QLabel("Choose each column's role (select several with Shift or Ctrl):"))
        self.columns = QTableWidget(len(shown.names), 2, self)
        self.columns.setHorizontalHeaderLabels(["column", "role"])
        self.columns.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.columns.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.columns.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # 1,024 rows stay quick
        self.columns.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.columns.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        for r, name in enumerate(shown.names):
            self.columns.setItem(r, 0, QTableWidgetItem(name))
            self.columns.setItem(r, 1, QTableWidgetItem())
        layout.addWidget(self.columns, 3)
        buttons = QHBoxLayout()
        self.role_buttons = {}
        for role, text in (("input", "Inputs"), ("target", "Targets"), ("class", "Class labels (one-hot)"),
                           ("", "Not used")):
            button = QPushButton(text, self)
            button.clicked.connect(lambda _=False, role=role: self.set_role(self.selected(), role))
            buttons.addWidget(button)
            self.role_buttons[role] = button
        layout.addLayout(buttons)
        image_row = QHBoxLayout()
        image_row.addWidget(QLabel("Inputs form an image (optional), W × H:"))
        self.image_field = QLineEdit(self)
        self.image_field.setPlaceholderText("e.g. 28x28")
        self.image_field.setToolTip("The inputs are an image's pixels, row by row: its width × height in pixels. "
                                    "The window then draws each output's weights as an image (a square number "
                                    "of inputs, 16 or more, is taken for a square image without this).")
        self.image_field.textChanged.connect(lambda _text: self._show_roles())
        image_row.addWidget(self.image_field, 1)
        layout.addLayout(image_row)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.box.button(QDialogButtonBox.StandardButton.Ok).setText("Import")
        self.box.accepted.connect(self.accept)
        self.box.rejected.connect(self.reject)
        layout.addWidget(self.box)
        self.resize(760, 560)
        self._show_roles()

    def selected(self) -> list[int]:
        return sorted({index.row() for index in self.columns.selectionModel().selectedRows()})

    def set_role(self, columns: list[int], role: str) -> None:
        """Give ``columns`` this role. There is one class column at most, and classes and target
        columns exclude each other (the outputs are one or the other)."""
        if role == "class":
            columns = columns[-1:]
            self.roles = ["" if r in ("class", "target") else r for r in self.roles]
        elif role == "target":
            self.roles = ["" if r == "class" else r for r in self.roles]
        for column in columns:
            self.roles[column] = role
        self._show_roles()

    def choice(self) -> tuple[list[str], list[str], str | None]:
        """(inputs, targets, class column) as chosen."""
        names = self.shown.names
        inputs = [n for n, r in zip(names, self.roles) if r == "input"]
        targets = [n for n, r in zip(names, self.roles) if r == "target"]
        classes = next((n for n, r in zip(names, self.roles) if r == "class"), None)
        return inputs, targets, classes

    def image(self) -> tuple[int, int] | None:
        """The image the inputs form, ``(rows, columns)``, as typed (None: left empty); ValueError
        if it is not a size or does not hold the inputs chosen."""
        text = self.image_field.text().strip()
        if not text:
            return None
        shape = parse_image_size(text)
        inputs = len(self.choice()[0])
        if shape[0] * shape[1] != inputs:
            raise ValueError(f"an image of {size_text(shape)} pixels has {shape[0] * shape[1]:,} pixels, "
                             f"not the {inputs:,} inputs chosen")
        return shape

    def _show_roles(self) -> None:
        for r, role in enumerate(self.roles):
            item = self.columns.item(r, 1)
            if item is not None:
                item.setText(ROLES[role])
        inputs, targets, classes = self.choice()
        ok = bool(inputs) and (bool(targets) or classes is not None)
        outputs = (f"one output per class of {classes!r}" if classes is not None
                   else f"{len(targets)} target{'s' * (len(targets) != 1)}")
        text = (f"{len(inputs)} input{'s' * (len(inputs) != 1)}, {outputs}." if ok else
                "Choose at least one input column, and target columns or a column of class labels.")
        try:
            image = self.image()
            if ok and image is not None:
                text += f" The inputs are an image of {size_text(image)} pixels."
        except ValueError as exc:
            text += f" {str(exc)[:1].upper()}{str(exc)[1:]}."
            ok = False
        self.summary.setText(text)
        self.box.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)


class DataFiles(QObject):
    """Import a learner's data (a new session on it, undoable) and export the current data set."""

    def __init__(self, window: QWidget, controller: SessionController, files: FileActions):
        super().__init__(window)
        self.window, self.controller, self.files = window, controller, files

    def ask_columns(self, shown: Preview, file_name: str) -> tuple | None:
        """(inputs, targets, class column, image size or None) as chosen; None if cancelled."""
        dialog = ImportDialog(shown, file_name, self.window)
        return (*dialog.choice(), dialog.image()) if dialog.exec() == QDialog.DialogCode.Accepted else None

    def import_data(self, path: str | None = None) -> None:
        files = self.files
        if files._refuse_while_busy():
            return
        if not path:
            path, _ = QFileDialog.getOpenFileName(self.window, "Import data", files._folder("data"), DATA_FILTER)
            if not path:
                return
        chosen = path
        try:
            shown = preview(read_text(chosen, limit=PREVIEW_BYTES))
        except (DataImportError, OSError) as exc:
            text = str(exc) if isinstance(exc, DataImportError) else describe_error(exc, chosen)
            QMessageBox.warning(self.window, "Cannot import data", f"{Path(chosen).name}: {text}")
            files.finished.emit(False, text)
            return
        columns = self.ask_columns(shown, Path(chosen).name)
        if columns is None:
            return
        inputs, targets, classes, *rest = columns
        image = rest[0] if rest else None
        files.settings.setValue("data/folder", str(Path(chosen).parent))
        current = self.controller.state.mode if self.controller.state is not None else "example"

        def work(progress):
            def percent(done: int) -> bool:
                return bool(progress(done, 100))

            imported = load_data(read_pieces(chosen, percent), inputs, targets, classes, percent, image)
            # the stability bound of a big data set takes a while: worked out here, not on the GUI thread;
            # so is the log's keyframe interval for the shape (measured once per shape: 20-35 ms at 784 × 10)
            keyframe_interval(imported.data.n_inputs, imported.data.n_outputs)
            mode = data_mode(imported.data, current)
            return imported, mode, default_alpha(data_training(imported.data, mode))

        def done(ok: bool, result) -> None:
            if ok:
                imported, mode, alpha = result
                self._install(imported, Path(chosen).name, alpha, mode)
            elif result is None:
                files._tell(False, "Import cancelled; the current session is unchanged.")
            else:
                QMessageBox.warning(self.window, "Cannot import data", result)
                files.finished.emit(False, result)

        files.jobs.start("Import data", f"Reading {Path(chosen).name}…", work, _import_error(chosen), done,
                         writing=False)

    def _install(self, imported: Imported, name: str, alpha: float, mode: str) -> None:
        data = imported.data
        self.controller.load_data(data, name, alpha=alpha, mode=mode)
        origin = f", outputs the classes of {imported.one_hot!r}" if imported.one_hot else ""
        if data.image is not None:
            origin += f", the inputs an image of {size_text(data.image)} pixels"
        self.files._tell(True, f"Imported {name}: {data.n_examples:,} examples, {data.n_inputs:,} inputs, "
                               f"{data.n_outputs:,} outputs{origin}; weights 0, {mode} mode, alpha {alpha:g} "
                               "(half the largest stable alpha, rounded down to one digit).")

    def export_data(self) -> None:
        files, state = self.files, self.controller.state
        if state is None or files._refuse_while_busy():
            return
        suggested = str(Path(files._folder("data")) / f"{state.preset or 'data'}.csv")
        path, _ = QFileDialog.getSaveFileName(self.window, "Export data", suggested, DATA_FILTER)
        if not path:
            return
        files.settings.setValue("data/folder", str(Path(path).parent))
        data = state.data

        def work(progress):
            text = data_csv(data)
            progress(1, 2)
            with atomic_write(path, "w", encoding="utf-8", newline="") as file:
                file.write(text)
            return data.n_examples

        files.jobs.start("Export data", f"Writing {Path(path).name}…", work, lambda exc: describe_error(exc, path),
                         files.export_done(lambda count: f"Exported the data set ({count:,} examples) to {path}"))


def _import_error(path: str):
    def describe(exc: BaseException) -> str:
        if isinstance(exc, DataImportError):
            return f"{Path(path).name}: {exc}"
        if isinstance(exc, OSError):
            return describe_error(exc, path)
        return ""

    return describe
