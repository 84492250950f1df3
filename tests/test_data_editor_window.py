"""Issue 21, point 1 in the window: the data table as an editor; every edit one Undo step."""

from __future__ import annotations

import pytest
from conftest import sync
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QInputDialog

BOOK_INPUTS = [[8.5, 0.65, 1.2], [9.5, 0.8, 1.3], [9.9, 0.8, 0.5], [9.0, 0.9, 1.0]]
BOOK_WEIGHTS = [[0.1, 0.1, -0.3], [0.1, 0.2, 0.0], [0.0, 1.3, 0.1]]


def headers(window):
    model = window.controls.data_model
    return [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]


def select(window, cells):
    view = window.controls.data_view
    model = view.selectionModel()
    view.setCurrentIndex(view.model().index(*cells[0]))
    model.clearSelection()
    for row, column in cells:
        model.select(view.model().index(row, column), QItemSelectionModel.SelectionFlag.Select)


def edit(qtbot, window, key):
    window.controls.data_editor.actions[key].trigger()
    sync(qtbot, window)


def undo(qtbot, window):
    window.controller.undo_stack.undo()
    sync(qtbot, window)


def book_state(window):
    state = window.controller.state
    assert state.data.input_names == ("toes", "wlrec", "nfans")
    assert state.data.inputs.tolist() == BOOK_INPUTS
    assert state.weights.tolist() == BOOK_WEIGHTS


@pytest.mark.parametrize("key, cells, check", [
    ("add_example", [(1, 0)], lambda s: s.data.n_examples == 5 and s.data.inputs[2].tolist() == [0.0] * 3),
    ("remove_examples", [(1, 0), (2, 1)], lambda s: s.data.inputs.tolist() == [BOOK_INPUTS[0], BOOK_INPUTS[3]]),
    ("add_input", [(0, 0)], lambda s: s.data.input_names[-1] == "x4" and s.weights[:, 3].tolist() == [0.0] * 3),
    ("add_output", [(0, 0)], lambda s: s.data.output_names[-1] == "y4" and s.weights.shape == (4, 3)),
    ("remove_columns", [(0, 0), (0, 4)], lambda s: (s.data.input_names, s.data.output_names) ==
     (("wlrec", "nfans"), ("hurt", "sad"))),
], ids=["add-example", "remove-examples", "add-input", "add-output", "remove-columns"])
def test_each_edit_then_undo(window, qtbot, key, cells, check):
    select(window, cells)
    edit(qtbot, window, key)
    state = window.controller.state
    assert check(state), (state.data.inputs.tolist(), state.data.input_names, state.data.output_names)
    model = window.controls.data_model
    columns = state.data.n_inputs + state.data.n_outputs
    assert (model.rowCount(), model.columnCount()) == (state.data.n_examples, columns)
    assert window.tables.weight_model.rowCount() == state.data.n_outputs
    assert window.tables.weight_model.columnCount() == state.data.n_inputs
    assert window.controller.undo_stack.count() == 1
    undo(qtbot, window)
    book_state(window)


def test_rename_by_double_clicking_the_header_then_undo(window, qtbot, monkeypatch):
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("shoe size", True))
    header = window.controls.data_view.horizontalHeader()
    header.sectionDoubleClicked.emit(0)
    sync(qtbot, window)
    assert headers(window)[:3] == ["shoe size", "wlrec", "nfans"]
    assert window.controller.state.weights.tolist() == BOOK_WEIGHTS
    undo(qtbot, window)
    assert headers(window)[:3] == ["toes", "wlrec", "nfans"]


def test_a_refused_rename_says_why_and_changes_nothing(window, qtbot, monkeypatch):
    told = []
    window.controls.cell_refused.connect(told.append)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("win", True))
    window.controls.data_view.horizontalHeader().sectionDoubleClicked.emit(0)
    sync(qtbot, window)
    assert told == ["there is already a column named 'win'; names must be different"]
    assert window.controller.undo_stack.count() == 0
    book_state(window)


def test_copy_and_paste_round_trip_through_the_clipboard(window, qtbot):
    view = window.controls.data_view
    view.setFocus()
    select(window, [(0, 0), (1, 1)])
    QTest.keySequence(view, "Ctrl+C")
    assert QApplication.clipboard().text() == "8.5\t0.65\n9.5\t0.8\n"
    select(window, [(2, 0)])
    QTest.keySequence(view, "Ctrl+V")
    sync(qtbot, window)
    assert window.controller.state.data.inputs[2:].tolist() == [[8.5, 0.65, 0.5], [9.5, 0.8, 1.0]]
    undo(qtbot, window)
    book_state(window)


def test_pasting_a_larger_spreadsheet_block_grows_the_table(window, qtbot):
    QApplication.clipboard().setText("1,5\t2\n3\t4\n5\t6\n")  # a European spreadsheet's decimal comma
    select(window, [(3, 5)])
    edit(qtbot, window, "paste")
    state = window.controller.state
    assert state.data.n_examples == 6 and state.data.output_names == ("hurt", "win", "sad", "y4")
    assert state.data.targets[3:, 2:].tolist() == [[1.5, 2.0], [3.0, 4.0], [5.0, 6.0]]
    assert window.controller.undo_stack.count() == 1


def test_a_bad_paste_changes_nothing(window, qtbot):
    told = []
    window.controls.cell_refused.connect(told.append)
    QApplication.clipboard().setText("1\tabc\n")
    select(window, [(0, 0)])
    edit(qtbot, window, "paste")
    assert told == ["cannot paste: row 0, column 2: 'abc' is not a number"]
    book_state(window)


def test_shape_fields_three_to_four_inputs_keep_the_book(window, qtbot):
    field = window.controls.inputs_field
    field.lineEdit().setText("4")
    field.editingFinished.emit()
    sync(qtbot, window)
    state = window.controller.state
    assert state.data.input_names == ("toes", "wlrec", "nfans", "x4")
    assert state.data.inputs[:, :3].tolist() == BOOK_INPUTS and state.data.inputs[:, 3].tolist() == [0.0] * 4
    assert state.weights[:, :3].tolist() == BOOK_WEIGHTS and state.weights[:, 3].tolist() == [0.0] * 3
    assert state.alpha == 0.01
    assert headers(window)[:4] == ["toes", "wlrec", "nfans", "x4"]
    undo(qtbot, window)
    book_state(window)


def test_the_data_menu_holds_the_tables_edits(window, qtbot):
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Data")
    texts = [a.text() for a in menu.actions() if not a.isSeparator()]
    assert texts == ["&Import data…", "E&xport data…", "Add example", "Remove selected examples", "Add input column",
                     "Add output column", "Remove selected columns", "Rename column…", "Copy cells",
                     "Paste cells (grows the table)"]
    select(window, [(0, 0)])
    next(a for a in menu.actions() if a.text() == "Add input column").trigger()
    sync(qtbot, window)
    assert window.controller.state.data.input_names == ("toes", "wlrec", "nfans", "x4")
