"""The teaching views in the window: arithmetic, bowls, surface, freezing, erratum, pins, sessions."""

import json

import numpy as np
import pytest
from conftest import wait_for_iterations
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from gdviz.core import bowls, preset_training


def settle(qtbot, window):
    qtbot.wait(60)  # a couple of frames


def test_arithmetic_panel_shows_the_books_lines_and_highlights_a_chosen_edge(window, qtbot):
    window.load_preset("multi-in")
    window.step()
    wait_for_iterations(qtbot, window, 1)
    qtbot.waitUntil(lambda: "pred = 8.5×0.1" in window.arithmetic.text.toPlainText())
    text = window.arithmetic.text.toPlainText().splitlines()
    assert text[0] == "pred = 8.5×0.1 + 0.65×0.2 + 1.2×(−0.1) = 0.86"
    assert "w[toes] = 0.1 − 0.01 × (−1.19) = 0.1119" in text
    window.weight_view.setCurrentIndex(window.weight_model.index(0, 1))  # the wlrec weight
    highlighted = window.arithmetic.highlighted_texts()
    assert "weight_delta[wlrec] = −0.14 × 0.65 = −0.091" in highlighted
    assert all("toes]" not in line and "nfans]" not in line for line in highlighted)
    assert window.network_view.selected == (0, 1)


def test_bowls_show_each_weight_with_the_slope_of_its_next_weight_delta(window, qtbot):
    window.load_preset("multi-in")
    window.step()
    wait_for_iterations(qtbot, window, 1)
    window.views.setCurrentWidget(window.bowls)
    settle(qtbot, window)
    window.refresh_views()
    plot, curve, tangent, dot = window.bowls.plots[(0, 0)]
    (dot_x,), (dot_y,) = dot.getData()
    assert dot_x == window.weights[0, 0]
    xs, ys = tangent.getData()
    slope = (ys[1] - ys[0]) / (xs[1] - xs[0])
    core = preset_training("multi-in")
    core.run(2)
    assert slope == pytest.approx(2 * core.log.weight_deltas[1, 0, 0], abs=1e-9)
    x, y = curve.getData()
    bottom = bowls.minimum(window.weights, window.data.inputs[:1], window.data.targets[:1], 0, 0)
    assert x.min() < bottom < x.max() and y.min() >= 0


def test_surface_path_follows_the_logged_weights(window, qtbot):
    window.run_spin.setValue(40)
    window.run_n()
    qtbot.waitUntil(lambda: window.log.count == 40 and not window.playing, timeout=10000)
    window.views.setCurrentWidget(window.surface)
    window.surface.first_box.setCurrentIndex(0)   # toes->hurt
    window.surface.second_box.setCurrentIndex(7)  # wlrec->sad
    window.refresh_views()
    x, y = window.surface.path_points()
    np.testing.assert_array_equal(x[:-1], window.log.weights[:, 0, 0])
    np.testing.assert_array_equal(y[:-1], window.log.weights[:, 2, 1])
    assert (x[-1], y[-1]) == (window.weights[0, 0], window.weights[2, 1])


def test_ticking_a_weight_freezes_it(window, qtbot):
    model = window.weight_model
    assert model.setData(model.index(1, 0), Qt.Checked, Qt.CheckStateRole)
    qtbot.waitUntil(lambda: window.frozen[1, 0])
    window.step()
    wait_for_iterations(qtbot, window, 1)
    settle(qtbot, window)
    assert window.log.weight_deltas[0, 1, 0] == 0 and window.weights[1, 0] == 0.1
    assert model.data(model.index(1, 0), Qt.CheckStateRole) == Qt.Checked
    assert window.network_view.frozen[1, 0]


def test_update_as_printed_is_offered_only_on_square_networks(window, qtbot):
    assert window.as_printed_box.isEnabled()
    window.alpha_edit.setText("0.1")
    window.alpha_edit.editingFinished.emit()
    window.as_printed_box.setChecked(True)
    window.step()
    wait_for_iterations(qtbot, window, 1)
    qtbot.waitUntil(lambda: abs(window.weights[0, 0] - -0.28675) < 1e-9)
    np.testing.assert_allclose(window.weights, [[-0.28675, 0.117, -1.03525], [0.070425, 0.2013, -0.056225],
                                                [-0.0546, 1.3024, -0.0038]], atol=1e-9)
    window.load_preset("multi-in")
    assert not window.as_printed_box.isEnabled() and "square" in window.as_printed_box.toolTip()


def test_pinned_runs_are_kept_up_to_five_and_removable(window, qtbot):
    window.step()
    wait_for_iterations(qtbot, window, 1)
    for alpha in ("0.01", "0.005", "0.002", "0.001", "0.02", "0.015"):
        window.alpha_edit.setText(alpha)
        window.alpha_edit.editingFinished.emit()
        window.pin_run()
    labels = [label for label, _ghost in window.error_plot.pinned]
    assert len(labels) == 5 and labels[0] == "alpha 0.005, example" and labels[-1] == "alpha 0.015, example"
    window.error_plot.unpin(0)
    assert len(window.error_plot.pinned) == 4
    window._on_freeze_requested(0, 0, True)
    qtbot.waitUntil(lambda: window.frozen[0, 0])
    window.pin_run()
    assert window.error_plot.pinned[-1][0] == "alpha 0.015, example, frozen toes->hurt"


def test_session_save_and_open_round_trip(window, qtbot, monkeypatch, tmp_path):
    window.load_preset("multi-in")
    window.mode_box.setCurrentIndex(1)  # cycle
    window.run_spin.setValue(25)
    window.run_n()
    qtbot.waitUntil(lambda: window.log.count == 25 and not window.playing, timeout=10000)
    path = tmp_path / "session.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))
    assert window.save_session()
    saved_weights, saved_log = window.weights.copy(), window.log.slice(0, window.log.count)
    window.load_preset("single")
    assert window.open_session(str(path))
    assert window.preset == "multi-in" and window.mode == "cycle"
    np.testing.assert_array_equal(window.weights, saved_weights)
    assert window.log.equals(saved_log)
    window.step()
    wait_for_iterations(qtbot, window, 26)
    assert window.log.example[-1] == 25 % 4  # the cycle goes on where it was


def test_a_malformed_session_changes_nothing_and_says_why(window, tmp_path, dialogs):
    document = json.loads('{"format": "gdviz-session", "version": 1}')
    (tmp_path / "bad.json").write_text(json.dumps(document))
    before = window.weights.copy()
    assert not window.open_session(str(tmp_path / "bad.json"))
    assert dialogs[-1][0] == "warning" and "'inputs' is missing" in dialogs[-1][1]
    np.testing.assert_array_equal(window.weights, before)
    assert window.preset == "multi-in-out"


def test_step_by_phase_predicts_then_compares_then_learns(window, qtbot):
    window.load_preset("multi-in")
    window.phase_box.setChecked(True)
    window.step()
    assert window.network_view.phase == "predict" and window.log.count == 0
    assert window.arithmetic.text.toPlainText() == "pred = 8.5×0.1 + 0.65×0.2 + 1.2×(−0.1) = 0.86"
    window.step()
    assert window.network_view.phase == "compare" and window.log.count == 0
    assert window.arithmetic.text.toPlainText().splitlines()[1] == "delta = 0.86 − 1 = −0.14"
    window.step()
    wait_for_iterations(qtbot, window, 1)
    assert window.network_view.phase == "learn"
    qtbot.waitUntil(lambda: "w[toes] = 0.1 − 0.01 × (−1.19) = 0.1119" in window.arithmetic.text.toPlainText())
    window.step()  # predict again, then Play: the phases end and the diagram goes live
    window.toggle_play()
    assert window.phase is None and window.network_view.phase is None
    window.toggle_play()


@pytest.mark.parametrize("alpha, diverges", [("0.026", False), ("0.028", True)])
def test_the_stability_bound_separates_converging_from_diverging(window, qtbot, alpha, diverges):
    window.load_preset("multi-in")
    window.alpha_edit.setText(alpha)
    window.alpha_edit.editingFinished.emit()
    assert ("will overshoot" in window.alpha_hint.text()) == diverges
    window.run_spin.setValue(3000)
    window.run_n()
    qtbot.waitUntil(lambda: not window.playing and window.log.count > 0, timeout=20000)
    qtbot.wait(100)
    assert window.notice.isVisible() == diverges
    if not diverges:
        assert window.log.count == 3000 and window.log.error_total[-1] < 1e-20
