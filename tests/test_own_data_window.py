"""Issue 21, point 2 in the window: File → Import data… (a preview, the columns' roles, a
background read with Cancel) and Data → Export data…."""

from __future__ import annotations

import pytest
from conftest import sync, wait_for_files
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog, QMessageBox

import gdviz.ui.data_files as data_files
from gdviz.core.data_import import data_csv, load_data, preview
from gdviz.ui.data_files import ImportDialog

FRUIT = "size;weight;kind\n1,5;2;pear\n3;4,25;apple\n5;6;pear\n7;8;fig\n"


def headers(model):
    return [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]


def fingerprint(state):
    data = state.data
    return (data.input_names, data.output_names, data.inputs.tolist(), data.targets.tolist(), state.weights.tolist(),
            state.alpha, state.iteration)


def import_file(qtbot, window, monkeypatch, path, choose=None):
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))

    def ask(shown, name):
        dialog = ImportDialog(shown, name, window)
        if choose is not None:
            choose(dialog)
        return dialog.choice()

    monkeypatch.setattr(window.actions.data_files, "ask_columns", ask)
    with qtbot.waitSignal(window.files.finished, timeout=20000) as done:
        window.actions.import_data.trigger()
    wait_for_files(qtbot, window)
    sync(qtbot, window)
    return done.args


def test_import_guesses_the_last_text_column_as_classes_and_opens_a_new_session(window, qtbot, monkeypatch,
                                                                                tmp_path):
    path = tmp_path / "fruit.csv"
    path.write_text(FRUIT)
    ok, message = import_file(qtbot, window, monkeypatch, path)
    assert ok and "Imported fruit.csv: 4 examples, 2 inputs, 3 outputs, outputs the classes of 'kind'" in message
    state = window.controller.state
    assert state.data.output_names == ("pear", "apple", "fig")
    assert state.data.inputs.tolist() == [[1.5, 2.0], [3.0, 4.25], [5.0, 6.0], [7.0, 8.0]]
    assert state.weights.tolist() == [[0.0, 0.0]] * 3
    assert headers(window.controls.data_model) == ["size", "weight", "→ pear", "→ apple", "→ fig"]
    window.controller.undo_stack.undo()  # the import is one Undo step
    sync(qtbot, window)
    assert window.controller.state.preset == "multi-in-out"


def test_the_dialog_lets_the_learner_choose_inputs_and_targets(window, qtbot, monkeypatch, tmp_path):
    path = tmp_path / "book.csv"
    path.write_text("toes,wlrec,nfans,win,sad\n8.5,0.65,1.2,1,0.1\n9.5,0.8,1.3,1,0\n")

    def choose(dialog):
        assert dialog.roles == ["input", "input", "input", "input", "target"]  # the guess
        dialog.set_role([2], "")
        dialog.set_role([3, 4], "target")
        assert dialog.summary.text() == "2 inputs, 2 targets."

    import_file(qtbot, window, monkeypatch, path, choose)
    data = window.controller.state.data
    assert (data.input_names, data.output_names) == (("toes", "wlrec"), ("win", "sad"))
    assert data.targets.tolist() == [[1.0, 0.1], [1.0, 0.0]]


def test_import_needs_an_input_and_an_output(qtbot):
    dialog = ImportDialog(preview("a,b,c\n1,2,x\n"), "f.csv")
    qtbot.addWidget(dialog)
    ok = dialog.box.button(QDialogButtonBox.StandardButton.Ok)
    assert ok.isEnabled() and dialog.choice() == (["a", "b"], [], "c")
    dialog.set_role([0, 1], "")
    assert not ok.isEnabled()
    assert "Choose at least one input column" in dialog.summary.text()
    dialog.set_role([1], "input")
    dialog.set_role([0], "target")  # targets and a class column exclude each other
    assert dialog.choice() == (["b"], ["a"], None) and ok.isEnabled()


@pytest.mark.parametrize("text, message", [
    ("x,y\n1,2\n3,oops\n", "row 3, column 'y': 'oops' is not a number"),
    ("x,y\n1,2\n3,4,5\n", "row 3: 3 cells where the header has 2 columns"),
])
def test_a_bad_file_is_refused_naming_row_and_column_and_nothing_changes(window, qtbot, monkeypatch, tmp_path,
                                                                         text, message):
    path = tmp_path / "bad.csv"
    path.write_text(text)
    before = fingerprint(window.controller.state)
    told = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text: told.append(text))
    ok, _ = import_file(qtbot, window, monkeypatch, path, lambda dialog: dialog.set_role([1], "target"))
    assert not ok and message in told[0]
    assert fingerprint(window.controller.state) == before
    assert window.controller.undo_stack.count() == 0


def test_a_file_that_is_not_text_is_refused_before_the_dialog(window, qtbot, monkeypatch, tmp_path):
    path = tmp_path / "picture.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    told = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text: told.append(text))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    window.actions.import_data.trigger()
    assert "the file is not text" in told[0]
    assert window.controller.undo_stack.count() == 0


def test_cancel_while_reading_changes_nothing(window, qtbot, monkeypatch, tmp_path):
    """The learner presses Cancel while the file is being read (deterministically: as the
    reading starts)."""
    path = tmp_path / "fruit.csv"
    path.write_text(FRUIT)
    real = data_files.read_pieces

    def read_and_cancel(chosen, progress=None, limit=None):
        window.files.jobs.job.cancel()
        return real(chosen, progress, limit)

    monkeypatch.setattr(data_files, "read_pieces", read_and_cancel)
    before = fingerprint(window.controller.state)
    ok, message = import_file(qtbot, window, monkeypatch, path)
    assert not ok and message == "Import cancelled; the current session is unchanged."
    assert fingerprint(window.controller.state) == before


def test_export_data_writes_the_data_set_that_imports_back_exactly(window, qtbot, monkeypatch, tmp_path):
    path = tmp_path / "out.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))
    with qtbot.waitSignal(window.files.finished, timeout=20000) as done:
        window.actions.export_data.trigger()
    wait_for_files(qtbot, window)
    assert done.args[0]
    data = window.controller.state.data
    text = path.read_text()
    assert text == data_csv(data)
    assert text.splitlines()[0] == "toes,wlrec,nfans,hurt,win,sad"
    again = load_data(text, data.input_names, data.output_names).data
    assert again.inputs.tolist() == data.inputs.tolist() and again.targets.tolist() == data.targets.tolist()


def test_a_session_keeps_the_imported_data_set_exactly(window, qtbot, monkeypatch, tmp_path):
    """Point 7: names, values and the class column the outputs came from, saved and opened again;
    Data → Export then writes the class column back, and importing that gives the same data set.
    Checked by breaking it: the session writer without "one_hot" fails the one_hot assert."""
    path = tmp_path / "fruit.csv"
    path.write_text('size;"weight, g";kind\n1,5;2;pear\n3;4,25;apple\n5;6;pear\n7;8;fig\n')
    import_file(qtbot, window, monkeypatch, path)
    before = window.controller.state.data
    assert before.one_hot == "kind" and before.input_names == ("size", "weight, g")
    session = tmp_path / "fruit.gdviz"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(session), ""))
    assert window.files.save_session(True)
    wait_for_files(qtbot, window)
    window.controller.load_preset("single")
    sync(qtbot, window)
    with qtbot.waitSignal(window.files.finished, timeout=20000):
        window.files.open_session(str(session))
    wait_for_files(qtbot, window)
    sync(qtbot, window)
    data = window.controller.state.data
    assert (data.input_names, data.output_names, data.one_hot) == (before.input_names, before.output_names, "kind")
    assert data.inputs.tolist() == before.inputs.tolist() and data.targets.tolist() == before.targets.tolist()
    exported = tmp_path / "out.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(exported), ""))
    with qtbot.waitSignal(window.files.finished, timeout=20000):
        window.actions.export_data.trigger()
    wait_for_files(qtbot, window)
    assert exported.read_text() == 'size,"weight, g",kind\n1.5,2.0,pear\n3.0,4.25,apple\n5.0,6.0,pear\n7.0,8.0,fig\n'
    again = load_data(exported.read_text(), ["size", "weight, g"], one_hot="kind").data
    assert again.output_names == data.output_names and again.targets.tolist() == data.targets.tolist()
