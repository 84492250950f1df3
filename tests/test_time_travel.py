"""Scrubbing back and forth through the log with every view following, and branching from the past."""

import csv
import io
import subprocess
import sys

import numpy as np
import pytest
from conftest import shown, sync, wait_for_files, wait_until_stopped
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from gdviz.core import preset_training
from gdviz.core.state import SPEEDS


def cells(model):
    return [[model.data(model.index(r, c)) for c in range(model.columnCount())] for r in range(model.rowCount())]


def texts(matrix):
    return [[f"{v:.8g}".replace("-", "−") for v in row] for row in matrix]  # View → Digits: 8; a real minus sign


def keys(qtbot, window, key, times=1):
    window.focus_home()
    for _ in range(times):
        qtbot.keyClick(window.views.network_view, key)
    sync(qtbot, window)


def weights_after_from_the_cli(iterations):
    """The weights after ``iterations`` iterations as ``gdviz train`` computes them: the ``w:``
    columns of the next iteration's CSV row (the weights before it)."""
    result = subprocess.run([sys.executable, "-m", "gdviz", "train", "--preset", "multi-in-out", "--iterations",
                             str(iterations + 1), "--csv", "-"], capture_output=True, text=True, timeout=60, check=True)
    row = list(csv.DictReader(io.StringIO(result.stdout)))[-1]
    names = [(o, i) for o in ("hurt", "win", "sad") for i in ("toes", "wlrec", "nfans")]
    return np.array([float(row[f"w:{i}->{o}"]) for o, i in names]).reshape(3, 3)


def export(qtbot, window, monkeypatch, path):
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))
    window.actions.export.trigger()
    wait_for_files(qtbot, window)
    return list(csv.DictReader(io.StringIO(path.read_text())))


def test_ten_steps_then_three_back_shows_iteration_seven_everywhere(window, qtbot):
    keys(qtbot, window, Qt.Key.Key_Right, 10)
    assert window.controller.log.count == 10
    keys(qtbot, window, Qt.Key.Key_Left, 3)
    assert window.controller.shown_iteration == 7
    assert window.status.iteration_label.text() == "Iteration 7 of 10"
    assert window.views.timeline.label.text() == "7 of 10"
    expected = weights_after_from_the_cli(7)
    assert cells(window.tables.weight_model) == texts(expected)
    log = window.controller.log
    assert cells(window.tables.delta_model) == texts(log.weight_deltas[6])  # iteration 7's
    assert np.array_equal(window.views.network_view.weights, expected)
    assert window.views.network_view.pred.tolist() == log.pred[6].tolist()
    assert window.tables.arithmetic.title.text() == "Iteration 7, step by step"
    assert window.views.error_plot.cursor.value() == 7
    window.views.tabs.setCurrentWidget(window.views.surface)
    shown(qtbot)
    x, y = window.views.surface.path_points()
    first, second = window.views.surface.chosen()
    assert x.tolist() == [*log.weights[:7, first[0], first[1]].tolist(), expected[first]]
    assert y.tolist() == [*log.weights[:7, second[0], second[1]].tolist(), expected[second]]
    window.views.tabs.setCurrentWidget(window.views.bowls)
    shown(qtbot)
    plot, curve, tangent, dot = window.views.bowls.plots[(0, 0)]
    assert dot.pos().x() == expected[0, 0]


def test_right_moves_forward_through_the_log_and_an_export_still_holds_everything(window, qtbot, monkeypatch,
                                                                                 tmp_path):
    keys(qtbot, window, Qt.Key.Key_Right, 10)
    keys(qtbot, window, Qt.Key.Key_Left, 3)
    keys(qtbot, window, Qt.Key.Key_Right)
    assert window.controller.shown_iteration == 8 and window.controller.log.count == 10
    assert cells(window.tables.weight_model) == texts(weights_after_from_the_cli(8))
    rows = export(qtbot, window, monkeypatch, tmp_path / "all.csv")
    assert [int(r["iteration"]) for r in rows] == list(range(1, 11))
    keys(qtbot, window, Qt.Key.Key_End)
    assert window.controller.shown is None and window.status.iteration_label.text() == "Iteration 10"
    keys(qtbot, window, Qt.Key.Key_Right)  # at the end, Right trains a new iteration
    assert window.controller.log.count == 11


def test_home_end_and_page_keys_move_by_the_whole_and_by_a_tenth(window, qtbot):
    window.controls.run_field.setValue(100)
    window.run_n()
    sync(qtbot, window)
    wait_until_stopped(qtbot, window)
    keys(qtbot, window, Qt.Key.Key_Home)
    assert window.controller.shown_iteration == 0
    assert cells(window.tables.weight_model) == texts(preset_training("multi-in-out").weights)
    keys(qtbot, window, Qt.Key.Key_PageDown)
    assert window.controller.shown_iteration == 10
    keys(qtbot, window, Qt.Key.Key_PageDown, 2)
    assert window.controller.shown_iteration == 30
    keys(qtbot, window, Qt.Key.Key_PageUp)
    assert window.controller.shown_iteration == 20
    keys(qtbot, window, Qt.Key.Key_End)
    assert window.controller.shown_iteration == 100


def test_clicking_on_the_curves_and_dragging_the_timeline_move_there(window, qtbot):
    window.controls.run_field.setValue(50)
    window.run_n()
    sync(qtbot, window)
    wait_until_stopped(qtbot, window)
    plot = window.views.error_plot
    plot.iteration_chosen.emit(20)  # what a click at x = 20 sends (see the next test for the click itself)
    assert window.controller.shown_iteration == 20
    window.views.timeline.slider.setValue(33)  # as a drag of the timeline does
    shown(qtbot)
    assert window.controller.shown_iteration == 33
    assert window.views.timeline.label.text() == "33 of 50"
    plot.cursor.setValue(12)
    plot.cursor.sigDragged.emit(plot.cursor)  # as a drag of the cursor line does
    assert window.controller.shown_iteration == 12


def test_a_click_on_the_plot_goes_to_the_iteration_under_it(window, qtbot):
    from PySide6.QtCore import QPoint

    window.controls.run_field.setValue(40)
    window.run_n()
    sync(qtbot, window)
    wait_until_stopped(qtbot, window)
    plot = window.views.error_plot
    plot.follow.setChecked(False)
    plot.view.setXRange(0, 40, padding=0)
    target = plot.view.mapViewToScene(plot.view.mapToView(plot.view.boundingRect().center()))
    scene_point = plot.view.mapViewToScene(type(target)(25, plot.view.viewRange()[1][0] + 0.1))
    point = plot.plot.mapFromScene(scene_point)
    qtbot.mouseClick(plot.plot.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(int(point.x()), int(point.y())))
    assert window.controller.shown_iteration == 25


def test_branching_from_seven_then_step_and_undo(window, qtbot, monkeypatch, tmp_path):
    keys(qtbot, window, Qt.Key.Key_Right, 10)
    keys(qtbot, window, Qt.Key.Key_Left, 3)
    ten = window.controller.log
    qtbot.mouseClick(window.controls.step_button, Qt.MouseButton.LeftButton)  # Step from a past iteration
    sync(qtbot, window)
    log = window.controller.log
    assert log.count == 8 and log is not ten
    expected = preset_training("multi-in-out")
    expected.run(8)
    assert log.equals(expected.log)  # iteration 8 from iteration 7's weights
    assert window.controller.shown is None
    assert [label for label, _ghost in window.views.error_plot.pinned] == ["branch from 7"]
    ghost = window.controller.pins[-1]
    assert ghost.iterations.tolist() == [8.0, 9.0, 10.0] and ghost.errors.tolist() == ten.error_total[7:].tolist()
    rows = export(qtbot, window, monkeypatch, tmp_path / "branch.csv")
    assert [int(r["iteration"]) for r in rows] == list(range(1, 9))
    assert window.actions.undo.text() == "&Undo Branch from iteration 7"
    window.actions.undo.trigger()
    sync(qtbot, window)
    assert window.controller.log.count == 10 and window.controller.log.equals(ten)
    assert window.controller.shown_iteration == 7
    assert window.controller.pins == ()
    window.actions.redo.trigger()
    sync(qtbot, window)
    assert window.controller.log.count == 8


@pytest.mark.parametrize("edit", ["alpha", "weight", "data", "frozen"])
def test_an_edit_of_the_past_branches_from_it(window, qtbot, edit):
    keys(qtbot, window, Qt.Key.Key_Right, 6)
    keys(qtbot, window, Qt.Key.Key_Left, 2)
    controller = window.controller
    if edit == "alpha":
        window.controls.alpha_edit.setText("0.02")
        window.controls.alpha_edit.editingFinished.emit()
    elif edit == "weight":
        window.tables.weight_model.setData(window.tables.weight_model.index(0, 0), "0.5")
    elif edit == "data":
        window.controls.data_model.setData(window.controls.data_model.index(0, 0), "7")
    else:
        window.tables.weight_model.setData(window.tables.weight_model.index(0, 1), Qt.CheckState.Checked.value,
                                           Qt.ItemDataRole.CheckStateRole)
    sync(qtbot, window)
    assert controller.log.count == 4 and controller.shown is None
    assert controller.pins[-1].label == "branch from 4"
    window.step()
    sync(qtbot, window)
    row = controller.log.count - 1
    assert controller.log.count == 5
    if edit == "alpha":
        assert controller.log.alpha[row] == 0.02
    elif edit == "weight":
        assert controller.log.weights[row, 0, 0] == 0.5
    elif edit == "data":
        assert controller.log.inputs[row, 0] == 7
    else:
        assert controller.log.weight_deltas[row, 0, 1] == 0


def test_playing_from_the_past_branches_and_going_back_while_playing_pauses(window, qtbot):
    keys(qtbot, window, Qt.Key.Key_Right, 5)
    keys(qtbot, window, Qt.Key.Key_Left, 2)
    window.controls.speed_slider.setValue(SPEEDS.index(1000))
    window.toggle_play()
    qtbot.waitUntil(lambda: window.controller.log.count > 20, timeout=20000)
    assert window.controller.pins[-1].label == "branch from 3"
    keys(qtbot, window, Qt.Key.Key_Left)  # back, while playing: training pauses, the past is shown
    wait_until_stopped(qtbot, window)
    assert window.controller.in_the_past and not window.controller.state.playing
    core = preset_training("multi-in-out")
    core.run(window.controller.log.count)
    assert window.controller.log.equals(core.log)


def test_stepping_by_phase_through_the_past_changes_nothing(window, qtbot):
    keys(qtbot, window, Qt.Key.Key_Right, 5)
    keys(qtbot, window, Qt.Key.Key_Left, 3)
    window.controls.phase_box.setChecked(True)
    log = window.controller.log
    window.step()
    shown(qtbot)
    assert window.phases.phase == "predict"
    assert window.tables.arithmetic.title.text() == "Iteration 3: predict"
    assert window.views.network_view.pred.tolist() == log.pred[2].tolist()  # iteration 3, from the log
    window.step()
    assert window.phases.phase == "compare"
    window.step()
    sync(qtbot, window)
    assert window.phases.phase == "learn"
    assert window.controller.shown_iteration == 3 and window.controller.log is log and log.count == 5
    assert window.controls.phase_label.text().startswith("Learn:")
    window.controls.phase_box.setChecked(False)
    assert not window.controls.phase_label.isVisible() and window.views.network_view.phase is None


def test_a_session_remembers_the_iteration_shown(window, qtbot, monkeypatch, tmp_path):
    keys(qtbot, window, Qt.Key.Key_Right, 10)
    keys(qtbot, window, Qt.Key.Key_Left, 4)
    path = tmp_path / "s.gdviz"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))
    window.actions.save.trigger()
    wait_for_files(qtbot, window)
    window.controller.load_preset("single")
    sync(qtbot, window)
    window.files.open_session(str(path))
    wait_for_files(qtbot, window)
    sync(qtbot, window)
    assert window.controller.log.count == 10 and window.controller.shown_iteration == 6
    assert window.status.iteration_label.text() == "Iteration 6 of 10"
