"""Issue 21, point 6: big data sets (up to 100,000 examples, 1,024 inputs, 64 outputs)."""

from __future__ import annotations

import numpy as np
import pytest

import gdviz.core.stability as stability
from gdviz.core.data_import import DataImportError, load_data
from gdviz.core.dataset import DataSet


@pytest.mark.parametrize("mode", ["example", "cycle", "batch"])
def test_a_big_data_set_gets_the_same_bound_remembered_by_identity(monkeypatch, mode):
    """Checked by breaking it: a cache that ignores which data set it holds gives the first data
    set's bound for the second (fails in every mode)."""
    rng = np.random.default_rng(3)
    data = DataSet(tuple(f"x{k}" for k in range(40)), ("y",), rng.uniform(0, 1, (2000, 40)), np.zeros((2000, 1)))
    frozen = np.zeros((1, 40), dtype=bool)
    frozen[0, 3] = True
    assert data.inputs.size > stability.BIG_INPUTS
    big = [stability.stable_alpha(data, mode, 5, frozen), stability.stable_alpha(data, mode, 5, frozen)]
    monkeypatch.setattr(stability, "BIG_INPUTS", 10**9)
    small = stability.stable_alpha(data, mode, 5, frozen)
    assert big == [small, small]
    other = DataSet(data.input_names, ("y",), data.inputs * 2, np.zeros((2000, 1)))
    monkeypatch.setattr(stability, "BIG_INPUTS", 0)
    assert stability.stable_alpha(other, mode, 5, frozen) == small / 4


def test_100_000_examples_are_fine_and_one_more_is_refused():
    rows = "".join(f"{k % 7},{k % 3}\n" for k in range(100_000))
    data = load_data("x,y\n" + rows, ["x"], ["y"]).data
    assert data.n_examples == 100_000 and data.inputs[-1, 0] == 99_999 % 7
    with pytest.raises(DataImportError, match="row 100,002: the file has 100,001 data rows|row 100002"):
        load_data("x,y\n" + rows + "1,2\n", ["x"], ["y"])


def test_1024_inputs_and_64_classes():
    header = ",".join([*(f"p{k}" for k in range(1024)), "label"])
    rows = "".join(",".join([*(str((r * k) % 5) for k in range(1024)), f"c{r % 64}"]) + "\n" for r in range(128))
    data = load_data(header + "\n" + rows, [f"p{k}" for k in range(1024)], one_hot="label").data
    assert (data.n_inputs, data.n_outputs, data.n_examples) == (1024, 64, 128)
    assert data.inputs[3, 1023] == (3 * 1023) % 5


def test_the_window_takes_a_big_data_set_in_its_big_forms(window, qtbot):
    """A 300 × 40 data set with 10 classes: the data table's columns get fixed sizes (fitting
    each column to its cells asked the model for every cell: 64 s for 6,000 × 50), the Shape
    fields (1 to 32) step aside, the bowls show a page of one output's."""
    from conftest import shown, sync
    from PySide6.QtWidgets import QHeaderView

    from gdviz.ui.bowls_view import MAX_PAGE

    rng = np.random.default_rng(8)
    data = DataSet(tuple(f"p{k}" for k in range(40)), tuple(f"c{k}" for k in range(10)),
                   rng.integers(0, 256, (300, 40)), np.eye(10)[rng.integers(0, 10, 300)])
    window.controller.load_data(data, "digits.csv")
    sync(qtbot, window)
    controls = window.controls
    assert controls.data_model.rowCount() == 300 and controls.data_model.columnCount() == 50
    assert controls.data_view.horizontalHeader().sectionResizeMode(0) == QHeaderView.ResizeMode.Interactive
    assert not controls.inputs_field.isEnabled() and "40 inputs" in controls.inputs_field.toolTip()
    bowls = window.views.bowls
    assert bowls.plots == {}  # the bowls are made when their tab is first shown, not on taking the data in
    window.views.tabs.setCurrentWidget(bowls)
    shown(qtbot)
    assert 1 <= len(bowls.plots) <= MAX_PAGE and bowls.page_label.text().endswith(" of 40 (output c0)")  # a page
    window.controller.undo_stack.undo()
    sync(qtbot, window)
    assert controls.inputs_field.isEnabled()
    assert controls.data_view.horizontalHeader().sectionResizeMode(0) == QHeaderView.ResizeMode.ResizeToContents


def test_a_784_input_data_set_is_taken_in_without_asking_every_cell(window, qtbot, monkeypatch):
    """2,000 examples × 784 inputs, 10 one-hot outputs (MNIST's width): the weights table is a
    colour matrix whose cells were never asked their size (sizing its 10 rows to their contents
    asked for every role of all 7,840 cells: 0.23 s of the 1.0 s the window stalled at 60,000
    rows); the data table reports every example through its model; the old bowls were not built
    on the way out; the arithmetic writes its 1,571 lines once the window has drawn the rest; the
    surface lists all 7,840 weights through a model, and makes its plot only when its tab is shown.

    Checked by breaking it: with the weights table's rows sized to contents again (the header's
    ResizeToContents set after its visibility, or resizeRowsToContents on a colour matrix) the
    first assertion counts 7,840 size questions; with the old tabs removed front first the old
    bowls have their 9 plots; with the arithmetic's deferred lines never written it waits in
    vain; with the surface's plot made in its constructor ``_parts`` is set."""
    from conftest import shown, sync
    from PySide6.QtCore import Qt

    from gdviz.ui.table_models import WeightTableModel

    rng = np.random.default_rng(21)
    names = tuple(f"p{k}" for k in range(784))
    classes = tuple(str(d) for d in range(10))
    data = DataSet(names, classes, rng.integers(0, 256, (2000, 784)) / 255, np.eye(10)[rng.integers(0, 10, 2000)])
    asked: list[int] = []
    real_data = WeightTableModel.data

    def counting(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.SizeHintRole:
            asked.append(index.row() * 784 + index.column())
        return real_data(self, index, role)

    monkeypatch.setattr(WeightTableModel, "data", counting)
    old_bowls = window.views.bowls
    window.controller.load_data(data, "mnist-like.csv")
    sync(qtbot, window)
    tables = window.tables
    assert tables.weight_view.matrix_mode() and tables.matrix_caption.isVisible()
    weights = tables.weight_model
    assert weights is not None and (weights.rowCount(), weights.columnCount()) == (10, 784)
    assert weights.data(weights.index(9, 783)) == ""  # a colour: its number is in the tooltip
    assert "p783→9" in weights.data(weights.index(9, 783), Qt.ItemDataRole.ToolTipRole)
    assert asked == []
    model, view = window.controls.data_model, window.controls.data_view
    assert (model.rowCount(), model.columnCount()) == (2000, 794)
    assert model.headerData(793, Qt.Orientation.Horizontal) == "→ 9"
    assert view.indexWidget(model.index(0, 0)) is None
    assert old_bowls.plots == {}
    arithmetic = tables.arithmetic  # 1,571 lines: written a part at a time, shown with their title
    qtbot.waitUntil(lambda: arithmetic.text.toPlainText().startswith("pred[0] = "))
    assert arithmetic.title.text() == "Next Step: iteration 1"
    lines = arithmetic.text.toPlainText().splitlines()
    assert lines[0].count("×") == 784 and len(lines) == 3 + 2 * 784 and lines[-1].startswith("w[p783→0] = 0 − ")
    surface = window.views.surface
    assert surface.first_box.count() == 7840 and surface.second_box.itemText(7839) == "p783→9"
    assert surface.chosen() == ((0, 0), (0, 1)) and surface._parts is None
    window.views.tabs.setCurrentWidget(surface)
    shown(qtbot)
    assert surface._parts is not None and surface.plot.isVisible()
    # a big network's views follow quick moves once they pause (main_window.SETTLE): the tab
    # picked just after the take-in's redraw is filled in then
    qtbot.waitUntil(lambda: len(surface.path_points()[0]) > 0)
    x, y = surface.path_points()
    assert x.tolist() == [0.0] and y.tolist() == [0.0]  # the weights shown: all 0, nothing trained yet


def test_a_big_batch_is_worked_out_off_the_gui_thread_and_shown_when_in(window, qtbot, monkeypatch):
    """In batch mode a big data set's stability bound and its next iteration (what iteration 0
    shows) read every example: 2.5 s and 20-45 s on the GUI thread at 60,000 × 784. Taken in, the
    hint and the arithmetic say they are being worked out; when the thread is done they show the
    bound and the iteration, the same numbers as worked out here.

    The threads are held until the test has looked (a gate), so what it sees never depends on how
    fast they run. Checked by breaking it: with the bound worked out on the GUI thread the hint
    shows the bound at once (the first assertion fails); with the next iteration worked out on the
    GUI thread the arithmetic shows its lines at once; with the answers never announced the waits
    time out."""
    import threading

    from conftest import sync

    import gdviz.ui.controller as controller_module
    import gdviz.ui.controls_panel as controls_module
    from gdviz.core.moment import next_iteration
    from gdviz.core.stability import stable_alpha

    gate = threading.Event()

    def held(work):
        def wrapper(*args, **kwargs):
            if threading.current_thread() is not threading.main_thread():
                gate.wait(30)
            return work(*args, **kwargs)
        return wrapper

    monkeypatch.setattr(controller_module, "next_iteration", held(next_iteration))
    monkeypatch.setattr(controls_module, "stable_alpha", held(stable_alpha))
    rng = np.random.default_rng(22)
    data = DataSet(tuple(f"p{k}" for k in range(784)), tuple(str(d) for d in range(10)),
                   rng.integers(0, 256, (2000, 784)) / 255, np.eye(10)[rng.integers(0, 10, 2000)])
    controller, controls, arithmetic = window.controller, window.controls, window.tables.arithmetic
    try:
        controller.set_mode("batch")
        sync(qtbot, window)
        controller.load_data(data, "big.csv", alpha=1e-5)
        sync(qtbot, window)
        assert controls.alpha_hint.text() == ("Stable below … = 2/λmax(mean of x·xᵀ) over the data set: "
                                                   "working it out over 2,000 examples…")
        assert arithmetic.text.toPlainText() == "Working out the next iteration over all 2,000 examples…"
        assert window.status.error_label.text() == "Total error –"
        assert controller.moment().pending
    finally:
        gate.set()
    bound = stable_alpha(data, "batch", 0, np.zeros((10, 784), bool))
    qtbot.waitUntil(lambda: controls.alpha_hint.text().startswith("Stable below 0."))
    assert controls.alpha_hint.text() == f"Stable below {bound:.4g} = 2/λmax(mean of x·xᵀ) over the data set."
    qtbot.waitUntil(lambda: arithmetic.text.toPlainText().startswith("batch: "))
    moment = controller.moment()
    assert not moment.pending
    here = next_iteration(controller.state)  # numpy's loops, on this thread
    assert moment.pred.tobytes() == here.pred[0].tobytes() and moment.preview is not None
    assert moment.preview.storage("weights")[1].tobytes() == here.storage("weights")[1].tobytes()
    assert here.error_total[0] == 1.0  # weights 0 against one-hot targets: each example's error is 1
    assert window.status.error_label.text() == "Total error 1"


def test_step_by_phase_on_a_big_batch_is_worked_out_off_the_gui_thread(window, qtbot, monkeypatch):
    """Step by phase on a batch over 2,000 × 784: the predict phase's preview is worked out on a
    thread (over 60,000 × 784 it froze the window 20-45 s on the GUI thread); meanwhile the phase
    message and the arithmetic say so, and when it is in they show its numbers, those worked out here.

    The thread is held until the test has looked (a gate). Checked by breaking it: with
    ``PhaseStepper._preview`` calling ``next_iteration(controller.state)`` again (as before the fix)
    the preview is worked out on the GUI thread (the list of GUI-thread calls is not empty, and the
    arithmetic shows its lines at once); with ``_on_answer`` not connected the wait times out."""
    import threading

    from conftest import shown, sync

    import gdviz.ui.controller as controller_module
    import gdviz.ui.phases as phases_module
    from gdviz.core.moment import next_iteration

    gate = threading.Event()
    on_gui_thread = []

    def held(*args, **kwargs):
        if threading.current_thread() is threading.main_thread():
            on_gui_thread.append(args[0].data.n_examples)  # (the book's small presets are worked out at once)
        else:
            gate.wait(30)
        return next_iteration(*args, **kwargs)

    monkeypatch.setattr(controller_module, "next_iteration", held)
    monkeypatch.setattr(phases_module, "next_iteration", held, raising=False)  # (its name before the fix)
    rng = np.random.default_rng(23)
    data = DataSet(tuple(f"p{k}" for k in range(784)), tuple(str(d) for d in range(10)),
                   rng.integers(0, 256, (2000, 784)) / 255, np.eye(10)[rng.integers(0, 10, 2000)])
    controller, arithmetic, label = window.controller, window.tables.arithmetic, window.controls.phase_label
    try:
        controller.set_mode("batch")
        sync(qtbot, window)
        controller.load_data(data, "big.csv", alpha=1e-5)
        sync(qtbot, window)
        window.controls.phase_box.setChecked(True)
        window.step()
        shown(qtbot)
        assert 2000 not in on_gui_thread
        assert window.phases.phase == "predict" and window.phases.pending
        assert label.text() == ("Predict: each output is the weighted sum of the inputs (Step to compare)"
                                " — working out the next iteration over all 2,000 examples…")
        assert arithmetic.text.toPlainText() == "Working out the next iteration over all 2,000 examples…"
    finally:
        gate.set()
    qtbot.waitUntil(lambda: not window.phases.pending, timeout=30000)
    shown(qtbot)
    assert label.text() == "Predict: each output is the weighted sum of the inputs (Step to compare)"
    here = next_iteration(controller.state)  # numpy's loops, on this thread
    assert window.phases.preview.pred[0].tobytes() == here.pred[0].tobytes()
    assert window.views.network_view.pred.tobytes() == here.pred[0].tobytes()
    qtbot.waitUntil(lambda: arithmetic.text.toPlainText().startswith("batch: "))  # (a big network's lines: later)
    assert arithmetic.title.text() == "Iteration 1: predict"
    window.step()  # compare: the same preview, nothing worked out again
    shown(qtbot)
    assert window.phases.phase == "compare" and not window.phases.pending and 2000 not in on_gui_thread
    assert window.phases.preview.delta[0].tobytes() == here.delta[0].tobytes()


def test_the_window_draws_a_data_set_taken_in_once(window, qtbot):
    """The diagram of a 784 × 10 network is ~60 ms a paint: taken in, the window is drawn once,
    with the new session's numbers, not first with the old ones and then again at once (both
    paints came straight after taking the data set in, before any input was seen).

    Checked by breaking it: without holding the window's updates until the redraw, the diagram
    is painted twice."""
    from conftest import shown, sync
    from PySide6.QtCore import QEvent, QObject

    class Paints(QObject):
        count = 0

        def eventFilter(self, watched, event):  # noqa: N802 (Qt's name)
            if event.type() == QEvent.Type.Paint:
                Paints.count += 1
            return False

    rng = np.random.default_rng(23)
    data = DataSet(tuple(f"p{k}" for k in range(784)), tuple(str(d) for d in range(10)),
                   rng.integers(0, 256, (500, 784)) / 255, np.eye(10)[rng.integers(0, 10, 500)])
    diagram = window.views.network_view
    shown(qtbot)
    paints = Paints()
    diagram.installEventFilter(paints)
    window.controller.load_data(data, "big.csv", alpha=1e-5)
    sync(qtbot, window)
    qtbot.waitUntil(lambda: Paints.count > 0)
    shown(qtbot)
    diagram.removeEventFilter(paints)
    assert Paints.count == 1
    assert diagram.input_names == list(data.input_names) and window.updatesEnabled()


def test_a_784_input_data_set_is_taken_in_over_several_turns_of_the_event_loop(window, qtbot, monkeypatch):
    """Taking a 784 × 10 data set in was one stall of the GUI thread (1.0 s, then 80-150 ms). Now
    the call takes in the diagram, the curves, the tables and the controls; the other tabs' views
    are made in a turn of their own, the panes holding their paint until the redraw after them
    (asking for one of those views makes them at once); and the arithmetic's 1,571 lines are
    written a part at a time, a turn of the event loop each (here one part a turn), shown when all
    are in: the lines written in one go. A tab picked meanwhile is the new network's. Checked by
    breaking it: with the other tabs made in ``rebuild``, nothing is pending after the call; with
    the lines written in one go, one turn wrote them all; without ``picking`` connected, the old
    bowls were shown (and built) by the pick."""
    from conftest import shown, sync

    from gdviz.core.arithmetic import iteration_lines
    from gdviz.ui import arithmetic_view

    monkeypatch.setattr(arithmetic_view, "SLICE_SECONDS", 0.0)
    turns = []
    real_write = arithmetic_view.ArithmeticView._write_part

    def counting(self):
        turns.append(None if self._writing is None else len(self._writing[2]))
        real_write(self)

    monkeypatch.setattr(arithmetic_view.ArithmeticView, "_write_part", counting)
    rng = np.random.default_rng(31)
    data = DataSet(tuple(f"p{k}" for k in range(784)), tuple(str(d) for d in range(10)),
                   rng.integers(0, 256, (200, 784)) / 255, np.eye(10)[rng.integers(0, 10, 200)])
    views, arithmetic = window.views, window.tables.arithmetic
    shown(qtbot)
    old_bowls = views._bowls
    window.controller.load_data(data, "wide.csv", alpha=1e-5)
    assert views.pending and views._bowls is old_bowls and not window.splitter.updatesEnabled()
    assert views.network_view.input_names == list(data.input_names)  # the diagram: taken in by the call
    sync(qtbot, window)
    assert not views.pending and views._bowls is not old_bowls and window.splitter.updatesEnabled()
    qtbot.waitUntil(lambda: arithmetic.text.toPlainText().startswith("pred[0] = "))
    assert len(turns) >= 1571 // 64 and turns[0] == 0 and turns[-1] >= 1571 - 64  # a part a turn
    moment = window.controller.moment()
    assert arithmetic.lines == iteration_lines(moment.record, 0, data.input_names, data.output_names,
                                               moment.settings.frozen, arithmetic.digits, (0,))
    window.controller.undo_stack.undo()  # back to the book's network: its other tabs again pending
    assert views.pending
    assert views.confusion is not None and not views.pending  # asked for: made at once
    sync(qtbot, window)
    window.controller.undo_stack.redo()  # the wide network again, and a tab picked (Ctrl+2) at once
    leaving = views._bowls
    assert views.pending
    window.actions.tabs[1].trigger()
    assert not views.pending and views.tabs.currentWidget() is views._bowls is not leaving
    assert leaving.plots == {}  # the old bowls were never built just to be deleted
    sync(qtbot, window)


def test_which_stability_bounds_a_window_works_out_on_a_thread():
    """A bound that reads a big data set whole goes to a thread (the window says it is working it
    out); one that is quick, or known already, is shown at once. Checked by breaking it: with
    the batch bound's work not weighed, the digits' batch bound (under 1 ms) went to a thread."""
    from gdviz.core.presets import PRESETS

    shared = PRESETS["digits"].data()  # 1,797 × 64: a cycle bound 1.8 s, a batch bound under 1 ms
    # a copy of its own: the preset's data set is shared, and an earlier test may have its bounds known
    digits = DataSet(shared.input_names, shared.output_names, shared.inputs.copy(), shared.targets, shared.one_hot)
    assert [stability.needs_work(digits, mode) for mode in ("example", "batch", "cycle")] == [False, False, True]
    rng = np.random.default_rng(24)
    wide = DataSet(tuple(f"p{k}" for k in range(784)), ("y",), rng.uniform(0, 1, (200, 784)), np.zeros((200, 1)))
    assert stability.needs_work(wide, "batch")  # 200 × 784²: 123 M multiply-adds
    bound = stability.stable_alpha(wide, "batch")
    assert not stability.needs_work(wide, "batch") and stability.stable_alpha(wide, "batch") == bound
    frozen = np.zeros((1, 784), dtype=bool)
    frozen[0, 5] = True  # other movable weights: another bound
    assert stability.needs_work(wide, "batch", 0, frozen)


def test_what_views_read_of_a_big_data_set_is_neither_copied_nor_scanned_on_the_gui_thread():
    """The bowls and the surface get the data set's own arrays in batch mode (a 60,000 × 784 copy
    was 376 MB a redraw), one row otherwise; the inputs' range (the weight images' ink scale) is
    worked out by the import, on its thread. Checked by breaking it: fancy indexing in batch mode
    (fails the ``is``), the range not touched by load_data (fails the __dict__ check)."""
    from gdviz.core.moment import moment_at
    from gdviz.core.presets import data_training
    from gdviz.core.state import state_of
    from gdviz.ui.controller import empty_log

    text = "a,b,c,label\n" + "".join(f"{k % 7},{k % 5},{k % 3},{'xy'[k % 2]}\n" for k in range(40))
    data = load_data(text, ["a", "b", "c"], [], "label").data
    assert "input_range" in vars(data) and data.input_range == (0.0, 6.0)
    training = data_training(data, mode="batch")
    state = state_of(training, None)
    moment = moment_at(empty_log(data), state, 0)
    inputs, targets = moment.example_rows()
    assert inputs is data.inputs and targets is data.targets
    training.set_mode("cycle")
    moment = moment_at(empty_log(data), state_of(training, None), 0)
    inputs, targets = moment.example_rows()
    assert inputs.tolist() == [data.inputs[0].tolist()] and targets.tolist() == [data.targets[0].tolist()]
