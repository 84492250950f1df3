"""The teaching views in the window: arithmetic, bowls, surface, freezing, erratum, pins, sessions."""

import json

import numpy as np
import pytest
from conftest import run, set_alpha, shown, sync, wait_for_files, wait_until_stopped
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from gdviz.core import bowls, preset_training


def test_arithmetic_panel_shows_the_books_lines_and_highlights_a_chosen_edge(window, qtbot):
    window.controller.load_preset("multi-in")
    window.step()
    sync(qtbot, window)
    text = window.tables.arithmetic.text.toPlainText().splitlines()
    assert text[0] == "pred = 8.5×0.1 + 0.65×0.2 + 1.2×(−0.1) = 0.86"
    assert "w[toes] = 0.1 − 0.01 × (−1.19) = 0.1119" in text
    window.tables.weight_view.setCurrentIndex(window.tables.weight_model.index(0, 1))  # the wlrec weight
    highlighted = window.tables.arithmetic.highlighted_texts()
    assert "weight_delta[wlrec] = −0.14 × 0.65 = −0.091" in highlighted
    assert all("toes]" not in line and "nfans]" not in line for line in highlighted)
    assert window.views.network_view.selected == (0, 1)


def test_bowls_show_each_weight_with_the_slope_of_its_next_weight_delta(window, qtbot):
    window.controller.load_preset("multi-in")
    window.step()
    sync(qtbot, window)
    window.views.tabs.setCurrentWidget(window.views.bowls)
    shown(qtbot)
    plot, curve, tangent, dot = window.views.bowls.plots[(0, 0)]
    weights = window.controller.state.weights
    assert dot.isVisible() and tangent.isVisible()
    assert dot.pos().x() == weights[0, 0]
    line = tangent.line()
    assert line.x1() < dot.pos().x() < line.x2()
    slope = (line.y2() - line.y1()) / (line.x2() - line.x1())
    core = preset_training("multi-in")
    core.run(2)
    assert slope == pytest.approx(2 * core.log.weight_deltas[1, 0, 0], abs=1e-9)
    x, y = curve.getData()
    data = window.controller.state.data
    bottom = bowls.minimum(weights, data.inputs[:1], data.targets[:1], 0, 0)
    assert x.min() < bottom < x.max() and y.min() >= 0


def test_surface_path_follows_the_logged_weights(window, qtbot):
    run(qtbot, window, 40)
    window.views.tabs.setCurrentWidget(window.views.surface)
    window.views.surface.first_box.setCurrentIndex(0)  # toes->hurt
    window.views.surface.second_box.setCurrentIndex(7)  # wlrec->sad
    shown(qtbot)
    x, y = window.views.surface.path_points()
    log, weights = window.controller.log, window.controller.state.weights
    assert x[:-1].tolist() == log.weights[:, 0, 0].tolist()
    assert y[:-1].tolist() == log.weights[:, 2, 1].tolist()
    assert (x[-1], y[-1]) == (weights[0, 0], weights[2, 1])


def test_ticking_a_weight_freezes_it(window, qtbot):
    model = window.tables.weight_model
    assert model.setData(model.index(1, 0), Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    sync(qtbot, window)
    assert window.controller.state.frozen[1, 0]
    window.step()
    sync(qtbot, window)
    assert window.controller.log.weight_deltas[0, 1, 0] == 0 and window.controller.state.weights[1, 0] == 0.1
    model = window.tables.weight_model
    assert model.data(model.index(1, 0), Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    assert window.views.network_view.frozen[1, 0]
    assert "weight_delta[toes→win] = 0 (frozen)" in window.tables.arithmetic.text.toPlainText()


def test_update_as_printed_is_offered_only_on_square_networks(window, qtbot):
    assert window.controls.as_printed_box.isEnabled()
    window.controller.load_preset("multi-in")
    sync(qtbot, window)
    assert not window.controls.as_printed_box.isEnabled() and "square" in window.controls.as_printed_box.toolTip()


def test_pinned_runs_are_kept_up_to_five_and_removable(window, qtbot):
    window.step()
    sync(qtbot, window)
    for alpha in ("0.01", "0.005", "0.002", "0.001", "0.02", "0.015"):
        set_alpha(window, alpha)
        sync(qtbot, window)
        window.actions.pin.trigger()
    labels = [label for label, _ghost in window.views.error_plot.pinned]
    assert len(labels) == 5 and labels[0] == "alpha 0.005, example" and labels[-1] == "alpha 0.015, example"
    window.controller.unpin(0)
    assert len(window.views.error_plot.pinned) == 4
    window.controller.set_frozen(0, 0, True)
    sync(qtbot, window)
    window.actions.pin.trigger()
    assert window.views.error_plot.pinned[-1][0] == "alpha 0.015, example, frozen toes->hurt"
    window.reset()
    sync(qtbot, window)
    assert len(window.views.error_plot.pinned) == 5  # pins outlive Reset: that is what they are for


def test_session_save_and_open_round_trip(window, qtbot, monkeypatch, tmp_path):
    window.controller.load_preset("multi-in")
    window.controller.set_mode("cycle")
    run(qtbot, window, 25)
    path = tmp_path / "session.gdviz"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))
    window.actions.save.trigger()
    wait_for_files(qtbot, window)
    saved_weights, saved_log = window.controller.state.weights.copy(), window.controller.log.slice(0, 25)
    window.controller.load_preset("single")
    sync(qtbot, window)
    window.files.open_session(str(path))
    wait_for_files(qtbot, window)
    sync(qtbot, window)
    state = window.controller.state
    assert state.preset == "multi-in" and state.mode == "cycle"
    assert np.array_equal(state.weights, saved_weights)
    assert window.controller.log.equals(saved_log)
    window.step()
    sync(qtbot, window)
    assert window.controller.log.example[-1] == 25 % 4  # the cycle goes on where it was
    window.actions.undo.trigger()  # opening a session is undone like any other replacement
    sync(qtbot, window)
    assert window.controller.state.preset == "single"


def test_save_without_the_log_keeps_settings_and_weights_only(window, qtbot, monkeypatch, tmp_path):
    run(qtbot, window, 30)
    path = tmp_path / "small.gdviz"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))
    window.actions.save_small.trigger()
    wait_for_files(qtbot, window)
    weights = window.controller.state.weights.copy()
    window.files.open_session(str(path))
    wait_for_files(qtbot, window)
    sync(qtbot, window)
    assert window.controller.log.count == 0
    assert np.array_equal(window.controller.state.weights, weights)
    assert path.stat().st_size < 20_000


def test_a_version_1_session_still_opens(window, qtbot):
    from pathlib import Path

    sample = Path(__file__).parent / "data" / "session-v1.json"
    window.files.open_session(str(sample))
    wait_for_files(qtbot, window)
    sync(qtbot, window)
    assert window.controller.state.preset == "multi-in" and window.controller.log.count == 25


def test_a_malformed_session_changes_nothing_and_says_why(window, qtbot, tmp_path, dialogs):
    (tmp_path / "bad.json").write_text(json.dumps({"format": "gdviz-session", "version": 1}))
    before_state, before_log = window.controller.state, window.controller.log
    window.files.open_session(str(tmp_path / "bad.json"))
    wait_for_files(qtbot, window)
    assert dialogs[-1][0] == "warning" and "'inputs' is missing" in dialogs[-1][1]
    assert "The current session is unchanged" in dialogs[-1][1]
    assert window.controller.state is before_state and window.controller.log is before_log
    assert window.controller.undo_stack.count() == 0


def test_an_unknown_preset_opens_as_custom_and_says_so(window, qtbot, tmp_path):
    from gdviz.core.session import Session, save_session
    from gdviz.core.state import state_of

    training = preset_training("multi-in")
    training.run(3)
    save_session(tmp_path / "s.gdviz", Session(state_of(training, "multi-in"), training.log))
    import zipfile

    with zipfile.ZipFile(tmp_path / "s.gdviz") as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    document = json.loads(members["session.json"])
    document["preset"] = "nonexistent"
    members["session.json"] = json.dumps(document).encode()
    with zipfile.ZipFile(tmp_path / "edited.gdviz", "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    window.files.open_session(str(tmp_path / "edited.gdviz"))
    wait_for_files(qtbot, window)
    sync(qtbot, window)
    assert window.controller.state.preset is None and window.controller.log.count == 3
    assert "nonexistent" in window.status.message.full_text()
    assert "custom" in window.windowTitle()


def test_step_by_phase_predicts_then_compares_then_learns(window, qtbot):
    window.controller.load_preset("multi-in")
    window.controls.phase_box.setChecked(True)
    window.step()
    shown(qtbot)
    assert window.views.network_view.phase == "predict" and window.controller.log.count == 0
    assert window.tables.arithmetic.text.toPlainText() == "pred = 8.5×0.1 + 0.65×0.2 + 1.2×(−0.1) = 0.86"
    window.step()
    shown(qtbot)
    assert window.views.network_view.phase == "compare" and window.controller.log.count == 0
    assert window.tables.arithmetic.text.toPlainText().splitlines()[1] == "delta = 0.86 − 1 = −0.14"
    window.step()
    sync(qtbot, window)
    assert window.views.network_view.phase == "learn" and window.controller.log.count == 1
    assert "w[toes] = 0.1 − 0.01 × (−1.19) = 0.1119" in window.tables.arithmetic.text.toPlainText()
    window.step()  # predict again, then Play: the phases end and the diagram goes live
    window.toggle_play()
    assert window.phases.phase is None and window.views.network_view.phase is None
    window.toggle_play()
    wait_until_stopped(qtbot, window)


@pytest.mark.parametrize("alpha, diverges", [("0.026", False), ("0.028", True)])
def test_the_stability_bound_separates_converging_from_diverging(window, qtbot, alpha, diverges):
    window.controller.load_preset("multi-in")
    set_alpha(window, alpha)
    sync(qtbot, window)
    assert ("will overshoot" in window.controls.alpha_hint.text()) == diverges
    run(qtbot, window, 3000)
    assert window.controls.notice.isVisible() == diverges
    if not diverges:
        assert window.controller.log.count == 3000 and window.controller.log.error_total[-1] < 1e-20
