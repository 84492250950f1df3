"""Reliability: bad input, divergence, faults, repeated clicks and long runs, nothing lost."""

import csv
import io
import os
import time
import warnings

import numpy as np
import pytest
from conftest import wait_for_iterations
from PySide6.QtWidgets import QApplication, QFileDialog

from gdviz.core import preset_training
from gdviz.core.csv_log import read_csv
from gdviz.ui.main_window import SPEEDS

BAD_NUMBERS = ["", "   ", "abc", "nan", "NaN", "inf", "-inf", "1e400", "0,5", "1..2", "0x10"]




def export(win, monkeypatch, path):
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))
    return win.export_log()


def rows_of(path):
    return list(csv.DictReader(io.StringIO(path.read_text())))


# -- bad input -----------------------------------------------------------------------------------
@pytest.mark.parametrize("text", BAD_NUMBERS + ["1e300"])
def test_bad_data_cells_are_refused_and_the_next_iteration_uses_the_last_valid_value(window, qtbot,
                                                                                     dialogs, text):
    model = window.data_model
    assert not model.setData(model.index(0, 1), text)
    assert dialogs and dialogs[-1][0] == "warning"
    window.step()
    wait_for_iterations(qtbot, window, 1)
    assert window.log.inputs[0, 1] == 0.65


@pytest.mark.parametrize("text", BAD_NUMBERS)
def test_bad_weights_are_refused(window, qtbot, dialogs, text):
    model = window.weight_model
    assert not model.setData(model.index(0, 0), text)
    assert dialogs[-1][0] == "warning"
    window.step()
    wait_for_iterations(qtbot, window, 1)
    assert window.log.weights[0, 0, 0] == 0.1


@pytest.mark.parametrize("text", BAD_NUMBERS + ["0", "-0", "-1"])
def test_bad_alpha_is_refused_at_the_field(window, qtbot, text):
    window.alpha_edit.setText(text)
    window.alpha_edit.editingFinished.emit()
    assert "alpha stays 0.01" in window.alpha_hint.text()
    window.step()
    wait_for_iterations(qtbot, window, 1)
    assert window.log.alpha[0] == 0.01


def test_minus_zero_is_taken_as_zero(window, qtbot):
    model = window.data_model
    assert model.setData(model.index(0, 3), "-0")
    assert model.data(model.index(0, 3)) == "0"


def test_counts_and_speed_only_take_whole_numbers_in_range(window):
    for spin, low, high in ((window.inputs_spin, 1, 32), (window.outputs_spin, 1, 32),
                            (window.run_spin, 1, 10_000_000)):
        assert (spin.minimum(), spin.maximum()) == (low, high)
        assert spin.validate("abc", 0)[0].name != "Acceptable"
        assert spin.validate("0" if low == 1 else "-1", 0)[0].name != "Acceptable"
    spin = window.inputs_spin
    spin.setValue(0)  # clamped: a network never has 0 inputs
    assert spin.value() == 1
    assert (window.speed_slider.minimum(), window.speed_slider.maximum()) == (0, len(SPEEDS) - 1)


# -- divergence and numeric faults -----------------------------------------------------------------
def test_far_too_large_alpha_pauses_with_the_last_finite_state(window, qtbot, monkeypatch, tmp_path, capfd):
    window.alpha_edit.setText("5")
    window.alpha_edit.editingFinished.emit()
    window.speed_slider.setValue(SPEEDS.index(None))
    window.toggle_play()
    qtbot.waitUntil(lambda: not window.playing and window.notice.isVisible(), timeout=5000)
    assert "alpha 5 is above" in window.notice.text()
    assert np.isfinite(window.weights).all() and np.isfinite(window.log.error_total).all()
    assert export(window, monkeypatch, tmp_path / "d.csv")
    text = (tmp_path / "d.csv").read_text()
    assert text.splitlines()[-1].startswith(f"# Training stopped at iteration {window.log.count + 1}: ")
    rows = list(csv.DictReader(io.StringIO(text.rsplit("#", 1)[0])))
    assert len(rows) == window.log.count
    assert all(np.isfinite(float(v)) for row in rows for k, v in row.items() if k != "example")
    assert "Warning" not in capfd.readouterr().err


def test_divergence_at_the_first_iteration_of_a_batch_still_reaches_the_csv(window, qtbot, monkeypatch, tmp_path):
    """Alpha 5 on multi-in-out diverges at iteration 3. Run 2 first, then Step: that Step's
    report carries no record, only why training stopped, and the export must still say it."""
    window.alpha_edit.setText("5")
    window.alpha_edit.editingFinished.emit()
    window.run_spin.setValue(2)
    window.run_n()
    qtbot.waitUntil(lambda: window.log.count == 2 and not window.playing, timeout=5000)
    assert not window.notice.isVisible()
    window.step()
    qtbot.waitUntil(lambda: window.notice.isVisible(), timeout=5000)
    assert window.log.count == 2
    assert export(window, monkeypatch, tmp_path / "d.csv")
    last = (tmp_path / "d.csv").read_text().splitlines()[-1]
    assert last.startswith("# Training stopped at iteration 3: ") and "alpha 5 is above" in last


def test_huge_values_stop_training_without_numpy_warnings():
    from gdviz.core import DataSet, Training

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        data = DataSet(("x",), ("y",), [[1e200]], [[1e200]])
        result = Training(data, [[1e200]], alpha=1.0).run(50)
    assert result.divergence is not None and result.iterations == 0


# -- faults ------------------------------------------------------------------------------------------
def test_export_failing_half_way_keeps_the_previous_file_and_says_why(window, qtbot, monkeypatch,
                                                                       tmp_path, dialogs):
    from gdviz.core import csv_log

    window.run_spin.setValue(20_000)
    window.run_n()
    qtbot.waitUntil(lambda: window.log.count == 20_000 and not window.playing, timeout=20000)
    folder = tmp_path / "exports"
    folder.mkdir()
    path = folder / "log.csv"
    path.write_text("yesterday's log\n")
    real_lines = csv_log.iter_lines

    def full_disk(*args, **kwargs):
        for number, text in enumerate(real_lines(*args, **kwargs)):
            if number == 2:
                raise OSError(28, "No space left on device")
            yield text

    monkeypatch.setattr(csv_log, "iter_lines", full_disk)
    assert not export(window, monkeypatch, path)
    assert dialogs[-1][0] == "critical" and "No space left on device" in dialogs[-1][1]
    assert path.read_text() == "yesterday's log\n"
    assert os.listdir(folder) == ["log.csv"]  # the temporary file is gone


def test_close_during_run_n_stops_within_a_second(qtbot, qtlog):
    from gdviz.ui import MainWindow

    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    win.run_spin.setValue(10_000_000)
    win.run_n()
    wait_for_iterations(qtbot, win, 1000)
    trainer = win.trainer
    started = time.perf_counter()
    win.close()
    assert trainer.isFinished() and time.perf_counter() - started < 1.0
    assert not [r for r in qtlog.records if "QThread" in r.message]


def test_a_hundred_quick_steps_give_exactly_a_hundred_iterations(window, qtbot):
    for _ in range(100):
        window.step()
    wait_for_iterations(qtbot, window, 100)
    qtbot.wait(100)
    core = preset_training("multi-in-out")
    core.run(100)
    assert window.log.equals(core.log)
    np.testing.assert_array_equal(window.weights, core.weights)


def test_play_pause_fifty_times_skips_and_repeats_nothing(window, qtbot):
    window.speed_slider.setValue(SPEEDS.index(None))
    for _ in range(50):
        window.toggle_play()
        QApplication.processEvents()
        window.toggle_play()
        QApplication.processEvents()
    qtbot.waitUntil(lambda: not window.playing)
    qtbot.wait(200)
    np.testing.assert_array_equal(window.log.iterations, np.arange(1, window.log.count + 1))
    core = preset_training("multi-in-out")
    core.run(window.log.count)
    np.testing.assert_allclose(window.weights, core.weights, rtol=1e-12, atol=1e-12)


def test_reset_during_play_starts_again_from_the_preset(window, qtbot):
    window.speed_slider.setValue(SPEEDS.index(1000))
    window.toggle_play()
    wait_for_iterations(qtbot, window, 50)
    window.reset()
    qtbot.waitUntil(lambda: window.log.count == 0 and not window.playing)
    qtbot.wait(100)
    assert window.log.count == 0
    window.step()
    wait_for_iterations(qtbot, window, 1)
    np.testing.assert_allclose(window.log.pred[0], [0.555, 0.98, 0.965], atol=1e-12)


def test_data_edited_during_play_lands_between_two_iterations(window, qtbot, monkeypatch, tmp_path):
    window.speed_slider.setValue(SPEEDS.index(1000))
    window.toggle_play()
    wait_for_iterations(qtbot, window, 30)
    window.data_model.setData(window.data_model.index(0, 0), "7.5")
    qtbot.waitUntil(lambda: window.log.inputs[-1, 0] == 7.5, timeout=5000)
    window.toggle_play()
    qtbot.waitUntil(lambda: not window.playing)
    export(window, monkeypatch, tmp_path / "e.csv")
    toes = [row["in:toes"] for row in rows_of(tmp_path / "e.csv")]
    change = toes.index("7.5")
    assert change >= 30 and set(toes[:change]) == {"8.5"} and set(toes[change:]) == {"7.5"}
    log, _, _ = read_csv(tmp_path / "e.csv")
    row = change  # that row's arithmetic used the new input throughout
    np.testing.assert_allclose(log.pred[row], log.weights[row] @ log.inputs[row], rtol=1e-12)


# -- long runs -----------------------------------------------------------------------------------------
def rss_bytes():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


@pytest.mark.slow
def test_soak_a_million_iterations_headless_memory_plateaus():
    training = preset_training("multi-in-out")
    result = training.run(1_000_000)
    assert result.iterations == training.log.count == training.iteration == 1_000_000
    after_run = rss_bytes()
    training.reset()
    training.run(1_000_000)
    assert rss_bytes() - after_run < 20e6  # the same arrays are reused: no growth the second time
    assert training.log.nbytes < 400e6


@pytest.mark.slow
def test_soak_two_hundred_thousand_iterations_in_the_window(window, qtbot):
    before = rss_bytes()
    window.run_spin.setValue(200_000)
    window.run_n()
    qtbot.waitUntil(lambda: window.log.count == 200_000 and not window.playing, timeout=60000)
    qtbot.waitUntil(lambda: window.error_plot.shown == 200_000, timeout=10000)
    assert window.iteration_label.text() == "Iteration 200,000"
    grown = rss_bytes() - before
    qtbot.wait(1000)
    assert rss_bytes() - before - grown < 10e6  # stopped: memory stops growing
    assert grown < 200e6


@pytest.mark.slow
def test_a_slow_window_keeps_the_queue_bounded_and_recovers(window, qtbot):
    view = window.network_view
    real_paint = type(view).paintEvent
    slow = {"on": True}

    def slow_paint(self, event):
        if slow["on"]:
            time.sleep(0.05)
        real_paint(self, event)

    type(view).paintEvent = slow_paint
    try:
        window.speed_slider.setValue(SPEEDS.index(None))
        window.toggle_play()
        in_flight = []
        end = time.perf_counter() + 3
        while time.perf_counter() < end:
            QApplication.processEvents()
            in_flight.append(window.trainer.reports_sent - window.reports_received)
        assert max(in_flight) <= 3  # one batch in flight, plus state reports, never a backlog
        slow["on"] = False
        qtbot.wait(300)
        frames = window.reports_received
        qtbot.wait(1000)
        assert window.reports_received - frames > 30  # back to full pace at once
    finally:
        type(view).paintEvent = real_paint
        window.toggle_play()


def test_a_large_export_runs_on_a_thread_and_closing_cancels_it_leaving_no_file(qtbot, monkeypatch,
                                                                                tmp_path, qtlog):
    from gdviz.ui import MainWindow

    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    win.run_spin.setValue(200_000)
    win.run_n()
    qtbot.waitUntil(lambda: win.log.count == 200_000 and not win.playing, timeout=30000)
    path = tmp_path / "big.csv"
    export(win, monkeypatch, path)
    job = win.export_job
    assert job is not None and not win.export_action.isEnabled()
    qtbot.waitUntil(lambda: job.isRunning())
    win.close()  # mid-export
    assert job.isFinished()
    assert not path.exists()
    assert [name for name in os.listdir(tmp_path) if name.endswith(".part")] == []
    assert not [r for r in qtlog.records if "QThread" in r.message]


def test_a_large_export_completes_in_the_background(window, qtbot, monkeypatch, tmp_path):
    window.run_spin.setValue(60_000)
    window.run_n()
    qtbot.waitUntil(lambda: window.log.count == 60_000 and not window.playing, timeout=30000)
    path = tmp_path / "big.csv"
    export(window, monkeypatch, path)
    qtbot.waitUntil(lambda: window.export_job is None, timeout=60000)
    log, _, _ = read_csv(path)
    assert log.equals(window.log)


def test_reset_and_training_during_a_large_export_leave_the_file_as_it_was_asked_for(
        window, qtbot, monkeypatch, tmp_path):
    """The export reads the window's records in place (no copy); Reset starts a new log, so
    the records written after it never reach the file being exported."""
    import threading

    from gdviz.ui.export import ExportJob

    window.run_spin.setValue(60_000)
    window.run_n()
    qtbot.waitUntil(lambda: window.log.count == 60_000 and not window.playing, timeout=30000)
    expected = window.log.slice(0, window.log.count)
    go_on = threading.Event()
    real_progress = ExportJob._progress

    def held_progress(job, rows):  # the export thread waits after its first block
        go_on.wait(timeout=30)
        return real_progress(job, rows)

    monkeypatch.setattr(ExportJob, "_progress", held_progress)
    path = tmp_path / "big.csv"
    export(window, monkeypatch, path)
    assert window.export_job is not None
    try:
        window.reset()
        qtbot.waitUntil(lambda: window.log.count == 0, timeout=5000)
        window.alpha_edit.setText("0.02")
        window.alpha_edit.editingFinished.emit()
        window.step()
        window.step()
        qtbot.waitUntil(lambda: window.log.count == 2, timeout=5000)
    finally:
        go_on.set()
    qtbot.waitUntil(lambda: window.export_job is None, timeout=60000)
    log, _, _ = read_csv(path)
    assert log.equals(expected)
    assert window.log.alpha.tolist() == [0.02, 0.02]
