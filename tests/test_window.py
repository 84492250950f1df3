"""The main window, driven as a learner would (pytest-qt, offscreen)."""

import csv
import io
import subprocess
import sys
import textwrap

import numpy as np
from conftest import wait_for_iterations
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QFileDialog

from gdviz.core import preset_training
from gdviz.core.engine import NUMPY_LOOPS
from gdviz.ui.main_window import SPEEDS


def cell(model, row, column):
    return model.data(model.index(row, column))


def table(model):
    return [[cell(model, r, c) for c in range(model.columnCount())] for r in range(model.rowCount())]


def export_to(win, monkeypatch, path):
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), "CSV files (*.csv)"))
    win.export_action.trigger()
    return path




def test_opens_on_the_books_example(window):
    assert window.preset == "multi-in-out"
    assert "multi-in-out" in window.windowTitle()
    assert table(window.weight_model) == [["0.1", "0.1", "-0.3"], ["0.1", "0.2", "0"], ["0", "1.3", "0.1"]]
    assert window.network_view.output_label(1) == "win  pred 0.98 / target 1"
    assert not window.windowIcon().isNull()


def test_step_once_on_multi_in_shows_the_books_numbers(window, qtbot):
    window.load_preset("multi-in")
    qtbot.mouseClick(window.step_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: cell(window.weight_model, 0, 0) == "0.1119", timeout=5000)
    assert table(window.weight_model) == [["0.1119", "0.20091", "-0.09832"]]
    assert table(window.delta_model) == [["-1.19", "-0.091", "-0.168"]]
    x, y = window.error_plot.curve_data()["total"]
    np.testing.assert_allclose(y, [0.0196], atol=1e-12)
    np.testing.assert_array_equal(x, [1.0])
    assert window.network_view.output_label(0) == "win  pred 0.86 / target 1"
    widths = window.network_view.edge_widths()
    assert list(np.argsort(widths.ravel())) == list(np.argsort(np.abs(window.weights).ravel()))
    assert widths.min() > 0
    assert window.iteration_label.text() == "Iteration 1"


def test_three_steps_then_export_equals_the_command_line(window, qtbot, monkeypatch, tmp_path):
    for _ in range(3):
        qtbot.keyClick(window, Qt.Key_Right)
    wait_for_iterations(qtbot, window, 3)
    core = preset_training("multi-in-out")
    core.run(3)
    qtbot.waitUntil(lambda: table(window.weight_model)[0][0] == f"{core.weights[0, 0]:.7g}")
    assert table(window.weight_model) == [[f"{v:.7g}" for v in row] for row in core.weights]
    tip = window.weight_model.data(window.weight_model.index(0, 0), Qt.ToolTipRole)
    assert tip == f"weight toes -> hurt: {float(core.weights[0, 0])!r}"  # every digit on hover
    path = export_to(window, monkeypatch, tmp_path / "three.csv")
    cli = subprocess.run([sys.executable, "-m", "gdviz", "train", "--preset", "multi-in-out",
                          "--iterations", "3", "--csv", "-"], capture_output=True, timeout=60)
    assert path.read_bytes() == cli.stdout


def test_play_pause_keeps_every_iteration(window, qtbot, monkeypatch, tmp_path):
    window.speed_slider.setValue(SPEEDS.index(None))
    qtbot.keyClick(window, Qt.Key_Space)
    assert window.play_button.text() == "Pause" and not window.step_button.isEnabled()
    wait_for_iterations(qtbot, window, 200)
    qtbot.mouseClick(window.play_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: not window.playing and window.play_button.text() == "Play")
    qtbot.wait(100)  # a report in flight when Pause was pressed still lands
    count = window.log.count
    qtbot.waitUntil(lambda: window.error_plot.shown == count)
    assert window.iteration_label.text() == f"Iteration {count:,}"
    x, y = window.error_plot.curve_data()["total"]
    assert len(x) == len(y) == count
    rows = list(csv.DictReader(io.StringIO(export_to(window, monkeypatch, tmp_path / "p.csv").read_text())))
    assert [int(r["iteration"]) for r in rows] == list(range(1, count + 1))
    qtbot.wait(200)
    assert window.log.count == count  # paused means paused


def test_alpha_changed_while_playing_applies_from_one_iteration_on(window, qtbot, monkeypatch, tmp_path):
    window.speed_slider.setValue(SPEEDS.index(1000))
    window.toggle_play()
    wait_for_iterations(qtbot, window, 20)
    window.alpha_edit.setText("0.001")
    window.alpha_edit.editingFinished.emit()
    qtbot.waitUntil(lambda: window.log.alpha[-1] == 0.001, timeout=5000)
    wait_for_iterations(qtbot, window, window.log.count + 30)
    window.toggle_play()
    qtbot.waitUntil(lambda: not window.playing)
    rows = list(csv.DictReader(io.StringIO(export_to(window, monkeypatch, tmp_path / "a.csv").read_text())))
    alphas = [r["alpha"] for r in rows]
    change = alphas.index("0.001")
    assert change >= 20
    assert set(alphas[:change]) == {"0.01"} and set(alphas[change:]) == {"0.001"}


def test_run_n_does_exactly_n_and_shows_progress(window, qtbot):
    window.run_spin.setValue(5000)
    qtbot.mouseClick(window.run_button, Qt.LeftButton)
    assert not window.run_button.isEnabled()
    qtbot.waitUntil(lambda: window.log.count == 5000 and not window.playing, timeout=20000)
    qtbot.wait(100)
    assert window.log.count == 5000 and window.run_button.isEnabled() and not window.progress.isVisible()
    core = preset_training("multi-in-out")
    core.run(5000)
    # Run N uses the compiled loops: the numpy engine's numbers to 1e-12 (tests/test_compiled.py)
    np.testing.assert_allclose(window.weights, core.weights, rtol=1e-12, atol=1e-12)


def test_reset_restores_the_preset(window, qtbot):
    window.run_spin.setValue(100)
    window.run_n()
    qtbot.waitUntil(lambda: window.log.count == 100 and not window.playing)
    qtbot.keyClick(window, Qt.Key_R)
    qtbot.waitUntil(lambda: window.log.count == 0)
    qtbot.waitUntil(lambda: cell(window.weight_model, 2, 1) == "1.3")
    assert window.iteration_label.text() == "Iteration 0"
    assert not window.reset_button.isEnabled()


def test_bad_alpha_shows_a_message_and_changes_nothing(window, qtbot):
    window.load_preset("multi-in")
    for text, words in (("fast", "not a number"), ("0", "greater than 0"), ("-1", "greater than 0"),
                        ("", "empty"), ("0,5", "point"), ("nan", "finite"), ("1e400", "finite")):
        window.alpha_edit.setText(text)
        window.alpha_edit.editingFinished.emit()
        assert words in window.alpha_hint.text() and "alpha stays 0.01" in window.alpha_hint.text()
    window.step()
    wait_for_iterations(qtbot, window, 1)
    assert window.log.alpha[0] == 0.01
    window.alpha_edit.setText("1e-3")
    window.alpha_edit.editingFinished.emit()
    assert "Stable below 0.02699" in window.alpha_hint.text()
    window.step()
    wait_for_iterations(qtbot, window, 2)
    assert window.log.alpha[1] == 0.001


def test_text_in_a_data_cell_is_refused_and_changes_nothing(window, qtbot, dialogs):
    window.load_preset("multi-in")
    model = window.data_model
    assert not model.setData(model.index(0, 0), "lots")
    assert dialogs and "not a number" in dialogs[-1][1]
    assert cell(model, 0, 0) == "8.5"
    window.step()
    wait_for_iterations(qtbot, window, 1)
    np.testing.assert_array_equal(window.log.inputs[0], [8.5, 0.65, 1.2])
    assert model.setData(model.index(0, 0), "10")  # a number is taken, from the next iteration on
    window.step()
    wait_for_iterations(qtbot, window, 2)
    np.testing.assert_array_equal(window.log.inputs[1], [10, 0.65, 1.2])


def test_weights_are_editable_only_while_paused(window, qtbot, dialogs):
    window.load_preset("multi-in")
    model = window.weight_model
    assert model.setData(model.index(0, 2), "0.5")
    qtbot.waitUntil(lambda: cell(model, 0, 2) == "0.5")
    assert not model.setData(model.index(0, 2), "heavy") and "not a number" in dialogs[-1][1]
    window.speed_slider.setValue(SPEEDS.index(5))
    window.toggle_play()
    assert not model.flags(model.index(0, 0)) & Qt.ItemIsEditable
    window.toggle_play()
    qtbot.waitUntil(lambda: not window.playing)
    assert model.flags(model.index(0, 0)) & Qt.ItemIsEditable


def test_freezing_an_edge_keeps_it_and_dashes_it(window, qtbot):
    window.load_preset("multi-in")
    window.alpha_edit.setText("0.3")
    window.alpha_edit.editingFinished.emit()
    window._on_freeze_requested(0, 0, True)
    for _ in range(3):
        window.step()
    wait_for_iterations(qtbot, window, 3)
    np.testing.assert_allclose(window.log.pred[:, 0], [0.86, 0.938225, 0.97274178125], atol=1e-9)
    assert window.network_view.frozen[0, 0]


def test_divergence_pauses_and_explains(window, qtbot):
    window.load_preset("multi-in")
    window.alpha_edit.setText("0.1")
    window.alpha_edit.editingFinished.emit()
    assert "will overshoot" in window.alpha_hint.text()
    window.speed_slider.setValue(SPEEDS.index(None))
    window.toggle_play()
    qtbot.waitUntil(lambda: not window.playing and window.notice.isVisible(), timeout=5000)
    assert "0.02699" in window.notice.text() and "overshoots" in window.notice.text()
    assert window.log.count == 4 and np.isfinite(window.weights).all()


def test_changing_the_shape_builds_a_fresh_named_network(window, qtbot):
    window.inputs_spin.setValue(8)
    window.outputs_spin.setValue(8)
    assert window.data.input_names[:2] == ("x1", "x2") and window.data.n_outputs == 8
    assert window.weight_model.rowCount() == 8 and window.weight_model.columnCount() == 8
    assert "custom 8 in × 8 out" in window.windowTitle()
    window.step()
    wait_for_iterations(qtbot, window, 1)
    window.inputs_spin.setValue(32)
    window.outputs_spin.setValue(32)
    window.run_spin.setValue(300)
    window.run_n()
    qtbot.waitUntil(lambda: window.log.count == 300 and not window.playing, timeout=20000)


def test_labels_do_not_overlap_on_an_8_by_8_network(window, qtbot):
    window.load_fresh(8, 8)
    view = window.network_view
    view.resize(700, 420)
    inputs, outputs, radius, metrics = view._layout()
    for column in (inputs, outputs):
        gaps = [b.y() - a.y() for a, b in zip(column, column[1:])]
        assert min(gaps) > metrics.height()
        assert min(gaps) > 2 * radius
    assert inputs[0].x() + radius < outputs[0].x() - radius


def test_export_failure_shows_the_reason_and_writes_nothing(window, qtbot, monkeypatch, tmp_path, dialogs):
    window.step()
    wait_for_iterations(qtbot, window, 1)
    export_to(window, monkeypatch, tmp_path / "missing" / "log.csv")
    assert dialogs[-1][0] == "critical" and "does not exist" in dialogs[-1][1]
    assert not (tmp_path / "missing").exists()


def test_close_while_playing_stops_the_thread_cleanly(qtbot, qtlog):
    from gdviz.ui import MainWindow

    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    win.speed_slider.setValue(SPEEDS.index(None))
    win.toggle_play()
    wait_for_iterations(qtbot, win, 100)
    trainer = win.trainer
    win.close()
    assert trainer.isFinished()
    assert not [r for r in qtlog.records if "QThread" in r.message]


def test_the_app_exits_0_with_no_warning_when_closed_mid_animation(tmp_path):
    script = textwrap.dedent("""
        import os, sys
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        from PySide6.QtCore import QTimer, QSettings
        from PySide6.QtWidgets import QApplication
        QSettings.setDefaultFormat(QSettings.IniFormat)
        QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, sys.argv[1])
        app = QApplication([])
        from gdviz.ui import MainWindow
        window = MainWindow()
        window.show()
        window.speed_slider.setValue(window.speed_slider.maximum())
        QTimer.singleShot(200, window.toggle_play)
        QTimer.singleShot(1200, window.close)
        sys.exit(app.exec())
    """)
    result = subprocess.run([sys.executable, "-c", script, str(tmp_path)], capture_output=True,
                            text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    # the offscreen platform itself notes "does not support propagateSizeHints()"; nothing else
    lines = [line for line in result.stderr.splitlines() if "propagateSizeHints" not in line]
    assert lines == []


def test_preset_and_geometry_are_remembered(qtbot):
    from gdviz.ui import MainWindow

    first = MainWindow()
    qtbot.addWidget(first)
    first.show()
    first.load_preset("multi-out")
    first.resize(first.minimumSizeHint().width(), 520)  # the offscreen screen is only 800×600
    first.close()
    second = MainWindow()
    qtbot.addWidget(second)
    assert second.preset == "multi-out" and second.size().height() == 520
    second.close()


def test_a_step_does_not_wait_for_the_compiled_loops_to_load(window, qtbot, monkeypatch):
    """numba's import takes ~0.7 s; it runs on a thread of its own, so a Step clicked meanwhile is
    answered at once (the trainer would otherwise apply it only after the load)."""
    import threading

    from gdviz.core import compiled
    from gdviz.core.engine import NUMPY_LOOPS

    if compiled._loader is not None:  # an earlier window's load: let it finish first
        compiled._loader.join(timeout=30)
    release = threading.Event()

    def slow_compile(cache):
        release.wait(timeout=30)
        return NUMPY_LOOPS

    monkeypatch.setattr(compiled, "_LOOPS", None)
    monkeypatch.setattr(compiled, "_TRIED", False)
    monkeypatch.setattr(compiled, "_loader", None)
    monkeypatch.setattr(compiled, "_compile", slow_compile)
    window.trainer.warm_up()
    assert compiled._loader is not None and compiled._loader.is_alive()
    try:
        qtbot.mouseClick(window.step_button, Qt.LeftButton)
        qtbot.waitUntil(lambda: window.iteration_label.text() == "Iteration 1", timeout=5000)
        assert cell(window.weight_model, 0, 0) != "0.1"
        assert compiled._loader.is_alive()  # still loading: the Step did not wait for it
    finally:
        release.set()
        compiled._loader.join(timeout=30)
    assert compiled.loops() is NUMPY_LOOPS


def test_follow_keeps_every_iteration_in_view_with_room_to_grow(window, qtbot):
    """Stepping: the x axis spans at least 10 iterations and does not move at each Step; after
    a run it still shows iteration 1 to the last one."""
    view = window.error_plot.view
    ranges = []
    for count in range(1, 4):
        qtbot.mouseClick(window.step_button, Qt.LeftButton)
        qtbot.waitUntil(lambda c=count: window.error_plot.shown == c, timeout=5000)
        ranges.append(view.viewRange()[0])
    assert ranges[0] == ranges[1] == ranges[2]
    low, high = ranges[0]
    assert low < 1 and high > 11 - 0.5 and high < 12
    window.run_spin.setValue(3000)
    qtbot.mouseClick(window.run_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: window.error_plot.shown == 3003 and not window.playing, timeout=20000)
    low, high = view.viewRange()[0]
    assert low < 1 and high >= 3003
    y_low, y_high = view.viewRange()[1]
    assert y_low <= 0 and y_high >= window.log.error_total.max()


def test_a_long_curve_is_drawn_downsampled_zoomed_out_and_point_for_point_zoomed_in(qtbot):
    """250,000 iterations (two pieces of curve): zoomed out, pyqtgraph draws a few thousand
    points per curve (clip to view, peak downsampling); zoomed in, every point, exactly the log's."""
    from gdviz.core import compiled
    from gdviz.ui.error_plot import ErrorPlot

    training = preset_training("multi-in-out", mode="cycle", loops=compiled.loops() or NUMPY_LOOPS)
    training.run(250_000)
    log = training.log
    plot = ErrorPlot(training.data.output_names)
    qtbot.addWidget(plot)
    plot.resize(900, 500)
    plot.show()
    while plot.shown < log.count:  # past 20,000 points, one curve a refresh
        plot.refresh(log)
    qtbot.wait(50)

    def drawn(series):
        parts = [item.getData() for item in series.items]
        return (np.concatenate([x for x, _ in parts if x is not None]),
                np.concatenate([y for _, y in parts if y is not None]))

    x, y = drawn(plot.total_curve)
    assert x.min() < 1000 and x.max() > 249_000  # the whole run in view (x of each bin of ~100)
    assert len(x) < 10_000  # of 250,000 held
    assert y.max() == log.error_total.max()  # peak downsampling keeps the peaks

    viewport = plot.plot.viewport()  # a turn of the mouse wheel zooms in and turns Follow off
    centre = QPointF(viewport.rect().center())
    QApplication.sendEvent(viewport, QWheelEvent(
        centre, viewport.mapToGlobal(centre), QPoint(0, 0), QPoint(0, 120), Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False))
    assert not plot.follow.isChecked()
    plot.view.setXRange(123_000, 123_300, padding=0)
    qtbot.wait(50)
    x, y = drawn(plot.total_curve)
    inside = (x >= 123_000) & (x <= 123_300)
    np.testing.assert_array_equal(x[inside], np.arange(123_000, 123_301))
    np.testing.assert_array_equal(y[inside], log.error_total[122_999:123_300])
