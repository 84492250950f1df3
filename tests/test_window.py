"""The main window, driven as a learner would (pytest-qt, offscreen), waiting on its state."""

import subprocess
import sys
import textwrap

import numpy as np
from conftest import csv_rows, run, same_bits, set_alpha, sync, wait_for_files, wait_for_iterations, wait_until_stopped
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QFileDialog

from gdviz.core import preset_training
from gdviz.core.state import SPEEDS


def cell(model, row, column):
    return model.data(model.index(row, column))


def table(model):
    """Every cell's text, with a hyphen for the real minus sign the tables show."""
    return [[cell(model, r, c).replace("−", "-") for c in range(model.columnCount())]
            for r in range(model.rowCount())]


def export_to(qtbot, win, monkeypatch, path):
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), "CSV files (*.csv)"))
    win.actions.export.trigger()
    wait_for_files(qtbot, win)
    return path


def test_opens_on_the_books_example(window):
    assert window.controller.state.preset == "multi-in-out"
    assert "multi-in-out" in window.windowTitle()
    assert table(window.tables.weight_model) == [["0.1", "0.1", "-0.3"], ["0.1", "0.2", "0"], ["0", "1.3", "0.1"]]
    assert window.views.network_view.output_label(1) == "win  0.98 / 1"
    assert not window.windowIcon().isNull()


def test_step_once_on_multi_in_shows_the_books_numbers(window, qtbot):
    window.controller.load_preset("multi-in")
    qtbot.mouseClick(window.controls.step_button, Qt.MouseButton.LeftButton)
    sync(qtbot, window)
    assert table(window.tables.weight_model) == [["0.1119", "0.20091", "-0.09832"]]
    assert table(window.tables.delta_model) == [["-1.19", "-0.091", "-0.168"]]
    x, y = window.views.error_plot.curve_data()["total"]
    assert y.tolist() == [0.01959999999999997] and x.tolist() == [1.0]
    assert window.views.network_view.output_label(0) == "win  0.86 / 1"
    widths = window.views.network_view.edge_widths()
    assert list(np.argsort(widths.ravel())) == list(np.argsort(np.abs(window.controller.state.weights).ravel()))
    assert widths.min() > 0
    assert window.status.iteration_label.text() == "Iteration 1"


def test_three_steps_then_export_equals_the_command_line(window, qtbot, monkeypatch, tmp_path):
    window.focus_home()
    for _ in range(3):
        qtbot.keyClick(window.views.network_view, Qt.Key.Key_Right)  # on the diagram, Right steps
    sync(qtbot, window)
    core = preset_training("multi-in-out")
    core.run(3)
    assert table(window.tables.weight_model) == [[f"{v:.8g}" for v in row] for row in core.weights]  # Digits: 8
    tip = window.tables.weight_model.data(window.tables.weight_model.index(0, 0), Qt.ItemDataRole.ToolTipRole)
    assert tip == f"weight toes→hurt: {float(core.weights[0, 0])!r}"  # every digit on hover
    path = export_to(qtbot, window, monkeypatch, tmp_path / "three.csv")
    cli = subprocess.run([sys.executable, "-m", "gdviz", "train", "--preset", "multi-in-out",
                          "--iterations", "3", "--csv", "-"], capture_output=True, timeout=60)
    assert path.read_bytes() == cli.stdout


def test_the_printed_update_in_the_window_equals_the_command_line(window, qtbot, monkeypatch, tmp_path):
    set_alpha(window, "0.1")
    window.controls.as_printed_box.click()
    qtbot.mouseClick(window.controls.step_button, Qt.MouseButton.LeftButton)
    sync(qtbot, window)
    assert window.controller.state.weights.tolist()[0] == [-0.28675000000000006, 0.11699999999999992,
                                                           -1.0352500000000002]
    text = window.tables.arithmetic.text.toPlainText()
    assert "weight_delta[wlrec→hurt] = 8.5 × (−0.02) = −0.17  (as printed: toes × delta[win])" in text
    path = export_to(qtbot, window, monkeypatch, tmp_path / "printed.csv")
    cli = subprocess.run([sys.executable, "-m", "gdviz", "train", "--preset", "multi-in-out", "--alpha", "0.1",
                          "--as-printed", "--iterations", "1", "--csv", "-"], capture_output=True, timeout=60)
    assert path.read_bytes() == cli.stdout


def test_play_pause_keeps_every_iteration(window, qtbot, monkeypatch, tmp_path):
    window.controls.speed_slider.setValue(SPEEDS.index(None))
    window.focus_home()
    qtbot.keyClick(window.views.network_view, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: window.controls.play_button.text() == "Pause")
    assert not window.controls.step_button.isEnabled()
    wait_for_iterations(qtbot, window, 200)
    qtbot.mouseClick(window.controls.play_button, Qt.MouseButton.LeftButton)
    wait_until_stopped(qtbot, window)
    assert window.controls.play_button.text() == "Play"
    count = window.controller.log.count
    qtbot.waitUntil(lambda: window.views.error_plot.shown == count)
    assert window.status.iteration_label.text() == f"Iteration {count:,}"
    x, y = window.views.error_plot.curve_data()["total"]
    assert len(x) == len(y) == count
    rows = csv_rows(export_to(qtbot, window, monkeypatch, tmp_path / "p.csv"))
    assert [int(r["iteration"]) for r in rows] == list(range(1, count + 1))
    window.step()  # paused means paused: the next report is this Step's one iteration
    sync(qtbot, window)
    assert window.controller.log.count == count + 1


def test_alpha_changed_while_playing_applies_from_one_iteration_on(window, qtbot, monkeypatch, tmp_path):
    window.controls.speed_slider.setValue(SPEEDS.index(1000))
    window.toggle_play()
    wait_for_iterations(qtbot, window, 20)
    set_alpha(window, "0.001")
    qtbot.waitUntil(lambda: window.controller.log.alpha[-1] == 0.001, timeout=10000)
    window.toggle_play()
    wait_until_stopped(qtbot, window)
    alphas = [r["alpha"] for r in csv_rows(export_to(qtbot, window, monkeypatch, tmp_path / "a.csv"))]
    change = alphas.index("0.001")
    assert change >= 20
    assert set(alphas[:change]) == {"0.01"} and set(alphas[change:]) == {"0.001"}


def test_run_n_does_exactly_n_and_shows_progress(window, qtbot):
    window.controls.run_field.setValue(5000)
    qtbot.mouseClick(window.controls.run_button, Qt.MouseButton.LeftButton)
    sync(qtbot, window)
    wait_until_stopped(qtbot, window)
    assert window.controller.log.count == 5000
    assert window.controls.run_button.isEnabled() and not window.controls.progress.isVisible()
    core = preset_training("multi-in-out")
    core.run(5000)
    assert window.controller.log.equals(core.log)  # compiled or numpy loops: the same numbers, bit for bit
    assert same_bits(window.controller.state.weights, core.weights)


def test_reset_restores_the_preset_and_undo_brings_the_log_back(window, qtbot):
    run(qtbot, window, 100)
    window.focus_home()
    qtbot.keyClick(window.views.network_view, Qt.Key.Key_R)
    sync(qtbot, window)
    assert window.controller.log.count == 0 and cell(window.tables.weight_model, 2, 1) == "1.3"
    assert window.status.iteration_label.text() == "Iteration 0"
    assert not window.controls.reset_button.isEnabled()
    window.actions.undo.trigger()
    sync(qtbot, window)
    assert window.controller.log.count == 100 and window.status.iteration_label.text() == "Iteration 100"
    window.step()
    sync(qtbot, window)
    assert window.controller.log.count == 101  # training goes on from the restored weights
    core = preset_training("multi-in-out")
    core.run(101)
    assert window.controller.log.equals(core.log)


def test_bad_alpha_shows_a_message_and_changes_nothing(window, qtbot):
    window.controller.load_preset("multi-in")
    for text, words in (("fast", "not a number"), ("0", "greater than 0"), ("-1", "greater than 0"),
                        ("", "empty"), ("0,5", "point"), ("nan", "finite"), ("1e400", "finite")):
        set_alpha(window, text)
        hint = window.controls.alpha_hint.text()
        assert words in hint and "alpha stays 0.01" in hint
    window.step()
    sync(qtbot, window)
    assert window.controller.log.alpha.tolist() == [0.01]
    set_alpha(window, "1e-3")
    sync(qtbot, window)
    assert "Stable below 0.02699" in window.controls.alpha_hint.text()
    assert window.controls.alpha_edit.text() == "0.001"
    window.step()
    sync(qtbot, window)
    assert window.controller.log.alpha.tolist() == [0.01, 0.001]


def test_a_data_cell_edit_is_taken_from_the_next_iteration_and_text_is_refused(window, qtbot):
    window.controller.load_preset("multi-in")
    model = window.controls.data_model
    assert not model.setData(model.index(0, 0), "lots")
    assert "not a number" in window.status.message.full_text()
    assert cell(model, 0, 0) == "8.5"
    window.step()
    sync(qtbot, window)
    assert window.controller.log.inputs[0].tolist() == [8.5, 0.65, 1.2]
    assert model.setData(model.index(0, 0), "10")
    sync(qtbot, window)
    assert cell(window.controls.data_model, 0, 0) == "10"  # the table shows the trainer's data
    window.step()
    sync(qtbot, window)
    assert window.controller.log.inputs[1].tolist() == [10, 0.65, 1.2]


def test_weights_are_editable_only_while_paused(window, qtbot):
    window.controller.load_preset("multi-in")
    model = window.tables.weight_model
    assert model.setData(model.index(0, 2), "0.5")
    sync(qtbot, window)
    assert cell(window.tables.weight_model, 0, 2) == "0.5"
    assert not model.setData(model.index(0, 2), "heavy") and "not a number" in window.status.message.full_text()
    window.controls.speed_slider.setValue(SPEEDS.index(5))
    window.toggle_play()
    qtbot.waitUntil(lambda: window.controller.state.playing)
    assert not model.flags(model.index(0, 0)) & Qt.ItemFlag.ItemIsEditable
    window.toggle_play()
    wait_until_stopped(qtbot, window)
    assert model.flags(model.index(0, 0)) & Qt.ItemFlag.ItemIsEditable


def test_freezing_an_edge_keeps_it_and_dashes_it(window, qtbot):
    window.controller.load_preset("multi-in")
    set_alpha(window, "0.3")
    window.controller.set_frozen(0, 0, True)
    for _ in range(3):
        window.step()
    sync(qtbot, window)
    assert window.controller.log.pred[:, 0].tolist() == [0.8600000000000001, 0.9382250000000001, 0.97274178125]
    assert window.views.network_view.frozen[0, 0]


def test_divergence_pauses_and_explains(window, qtbot):
    window.controller.load_preset("multi-in")
    set_alpha(window, "0.1")
    sync(qtbot, window)
    assert "will overshoot" in window.controls.alpha_hint.text()
    window.controls.speed_slider.setValue(SPEEDS.index(None))
    window.toggle_play()
    qtbot.waitUntil(lambda: window.controls.notice.isVisible(), timeout=10000)
    wait_until_stopped(qtbot, window)
    assert "0.02699" in window.controls.notice.text() and "overshoots" in window.controls.notice.text()
    assert window.controller.log.count == 4 and np.isfinite(window.controller.state.weights).all()


def test_changing_the_shape_builds_a_fresh_named_network(window, qtbot):
    """The Shape fields keep the book's data and names and add x4…, y4… (issue 21)."""
    for field, value in ((window.controls.inputs_field, 8), (window.controls.outputs_field, 8)):
        field.lineEdit().setText(str(value))
        field.editingFinished.emit()
    sync(qtbot, window)
    state = window.controller.state
    assert state.data.input_names[:4] == ("toes", "wlrec", "nfans", "x4") and state.data.n_outputs == 8
    assert state.data.output_names[3:] == ("y4", "y5", "y6", "y7", "y8")
    assert window.tables.weight_model.rowCount() == 8 and window.tables.weight_model.columnCount() == 8
    assert "custom 8 in × 8 out" in window.windowTitle()
    window.step()
    sync(qtbot, window)
    assert window.controller.log.count == 1
    window.controller.load_shape(32, 32)
    run(qtbot, window, 300)
    assert window.controller.log.count == 300


def test_every_shape_from_1_by_1_to_32_by_32_gets_a_positive_alpha_and_trains():
    """A fresh network's alpha is half its stable bound rounded down to one digit: it was 0 for
    1 × 4 and 1 × 22 (the floor of 0.9999999999999999)."""
    from gdviz.core.presets import fresh_training

    for n in range(1, 33):
        for m in range(1, 33):
            training = fresh_training(n, m)
            assert 0 < training.alpha <= training.stable_alpha() / 2, (n, m)
            assert training.step().divergence is None, (n, m)


def test_export_failure_shows_the_reason_and_writes_nothing(window, qtbot, monkeypatch, tmp_path, dialogs):
    window.step()
    sync(qtbot, window)
    export_to(qtbot, window, monkeypatch, tmp_path / "missing" / "log.csv")
    assert dialogs[-1][0] == "critical" and "does not exist" in dialogs[-1][1]
    assert not (tmp_path / "missing").exists()


def test_garbage_is_collected_on_the_gui_thread_while_a_window_is_open(make_window):
    """Automatic collection would free cycles of Qt objects from whichever thread allocates (the
    trainer's): seen as deadlocks inside a paint. A window turns it off and collects on a timer."""
    import gc

    from conftest import close

    assert gc.isenabled()
    win = make_window()
    assert not gc.isenabled() and win.collector.timer.isActive()
    close(win)
    assert gc.isenabled()


def test_close_while_playing_stops_every_thread(qtbot, qtlog, make_window):
    win = make_window()
    win.controls.speed_slider.setValue(SPEEDS.index(None))
    win.toggle_play()
    wait_for_iterations(qtbot, win, 100)
    trainer, controller = win.controller.trainer, win.controller
    win.close()
    assert trainer.isFinished() and not controller.running
    assert not [r for r in qtlog.records if "QThread" in r.message]


def test_the_app_exits_0_with_no_warning_when_closed_mid_animation(tmp_path):
    script = textwrap.dedent("""
        import os, sys
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        from PySide6.QtCore import QTimer, QSettings
        from PySide6.QtWidgets import QApplication
        QSettings.setDefaultFormat(QSettings.Format.IniFormat)
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, sys.argv[1])
        app = QApplication([])
        from gdviz.ui.main_window import MainWindow
        from gdviz.ui import file_actions
        from PySide6.QtWidgets import QMessageBox
        file_actions.ask_to_save = lambda *args: QMessageBox.StandardButton.Discard  # the learner's answer
        window = MainWindow()
        window.show()
        window.controls.speed_slider.setValue(window.controls.speed_slider.maximum())
        def close_when_trained():
            if window.controller.log.count >= 1000:
                timer.stop()
                window.close()
        timer = QTimer()
        timer.timeout.connect(close_when_trained)
        timer.start(20)
        QTimer.singleShot(0, window.toggle_play)
        sys.exit(app.exec())
    """)
    result = subprocess.run([sys.executable, "-c", script, str(tmp_path)], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    # the offscreen platform itself notes "does not support propagateSizeHints()"; nothing else
    lines = [line for line in result.stderr.splitlines() if "propagateSizeHints" not in line]
    assert lines == []


def test_preset_geometry_and_splitters_are_remembered(qtbot, make_window):
    first = make_window()
    first.controller.load_preset("multi-out")
    first.resize(1000, 700)
    sizes = [300, 300, 300]
    first.splitter.setSizes(sizes)
    sizes = first.splitter.sizes()
    first.close()
    QApplication.processEvents()
    second = make_window()
    assert second.controller.state.preset == "multi-out" and second.size().height() == 700
    assert second.splitter.sizes() == sizes


def test_a_step_does_not_wait_for_the_compiled_loops_to_load(window, qtbot, monkeypatch):
    """numba's import takes ~0.7 s; it runs on a thread of its own, so a Step clicked meanwhile is
    answered at once (the trainer would otherwise apply it only after the load)."""
    import threading

    from gdviz.core import compiled

    compiled.wait_for_loader()  # an earlier window's load: let it finish first
    release = threading.Event()

    def slow_compile(cache):
        release.wait(timeout=60)
        raise ImportError("numba is held back by this test")

    monkeypatch.setattr(compiled, "_LOOPS", None)
    monkeypatch.setattr(compiled, "_TRIED", False)
    monkeypatch.setattr(compiled, "_PROBLEM", None)
    monkeypatch.setattr(compiled, "_loader", None)
    monkeypatch.setattr(compiled, "_compile", slow_compile)
    loader = compiled.load_in_background()
    assert loader is not None and loader.is_alive()
    try:
        qtbot.mouseClick(window.controls.step_button, Qt.MouseButton.LeftButton)
        sync(qtbot, window)
        assert window.status.iteration_label.text() == "Iteration 1"
        assert loader.is_alive()  # still loading: the Step did not wait for it
    finally:
        release.set()
        loader.join(timeout=60)
    assert compiled.loops() is None and "numba is not installed" in compiled.problem()


def test_when_the_compiled_loops_cannot_load_training_goes_on_with_numpy_and_says_why(window, qtbot, monkeypatch):
    from gdviz.core import compiled

    compiled.wait_for_loader()

    def no_cache(cache):
        if cache:
            raise RuntimeError("cannot cache function 'rows_kernel': no locator available for file")
        raise OSError("LLVM is missing")

    monkeypatch.setattr(compiled, "_LOOPS", None)
    monkeypatch.setattr(compiled, "_TRIED", False)
    monkeypatch.setattr(compiled, "_PROBLEM", None)
    monkeypatch.setattr(compiled, "_loader", None)
    monkeypatch.setattr(compiled, "_compile", no_cache)
    window._load_compiled_loops()
    qtbot.waitUntil(lambda: "could not be compiled" in window.status.message.full_text(), timeout=20000)
    assert "LLVM is missing" in window.status.message.full_text() and "numpy" in window.status.message.full_text()
    run(qtbot, window, 3000)
    core = preset_training("multi-in-out")
    core.run(3000)
    assert window.controller.log.equals(core.log)


def test_follow_keeps_every_iteration_in_view_with_room_to_grow(window, qtbot):
    """Stepping: the x axis spans at least 10 iterations and does not move at each Step; after
    a run it still shows iteration 1 to the last one."""
    view = window.views.error_plot.view
    ranges = []
    for _ in range(3):
        qtbot.mouseClick(window.controls.step_button, Qt.MouseButton.LeftButton)
        sync(qtbot, window)
        ranges.append(view.viewRange()[0])
    assert ranges[0] == ranges[1] == ranges[2]
    low, high = ranges[0]
    assert low < 1 and 11 - 0.5 < high < 12
    run(qtbot, window, 3000)
    qtbot.waitUntil(lambda: window.views.error_plot.shown == 3003)
    low, high = view.viewRange()[0]
    assert low < 1 and high >= 3003
    y_low, y_high = view.viewRange()[1]
    assert y_low <= 0 and y_high >= window.controller.log.error_total.max()


def test_a_long_curve_is_downsampled_zoomed_out_and_exact_zoomed_in(window, qtbot):
    run(qtbot, window, 150_000)
    plot = window.views.error_plot
    qtbot.waitUntil(lambda: plot.shown == 150_000, timeout=20000)
    log = window.controller.log

    def drawn(series):
        xs, ys = zip(*(item.getData() for item in series.items))
        return np.concatenate(xs), np.concatenate(ys)

    x, _ = drawn(plot.total_curve)
    assert len(x) < 20_000  # zoomed out: peaks and troughs only
    viewport = plot.plot.viewport()
    centre = QPointF(viewport.rect().center())
    QApplication.sendEvent(viewport, QWheelEvent(
        centre, viewport.mapToGlobal(centre), QPoint(0, 0), QPoint(0, 120), Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False))
    assert not plot.follow.isChecked()
    plot.view.setXRange(123_000, 123_300, padding=0)
    qtbot.waitUntil(lambda: len(drawn(plot.total_curve)[0]) > 300)
    x, y = drawn(plot.total_curve)
    inside = (x >= 123_000) & (x <= 123_300)
    assert x[inside].tolist() == list(range(123_000, 123_301))
    assert y[inside].tolist() == log.error_total[122_999:123_300].tolist()
