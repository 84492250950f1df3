"""Reliability: bad input, divergence, faults, repeated clicks and long runs, nothing lost."""

import os
import threading
import warnings

import numpy as np
import pytest
import shiboken6
from conftest import (
    csv_rows,
    run,
    same_bits,
    same_log,
    set_alpha,
    sync,
    wait_for_files,
    wait_for_iterations,
    wait_until_stopped,
)
from PySide6.QtWidgets import QApplication, QFileDialog

from gdviz.core import preset_training
from gdviz.core.csv_log import read_csv
from gdviz.core.state import SPEEDS

BAD_NUMBERS = ["", "   ", "abc", "nan", "NaN", "inf", "-inf", "1e400", "0,5", "1..2", "0x10"]


def export(qtbot, win, monkeypatch, path):
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))
    win.actions.export.trigger()
    wait_for_files(qtbot, win)
    return path.exists()


# -- bad input -----------------------------------------------------------------------------------
@pytest.mark.parametrize("text", BAD_NUMBERS + ["1e300"])
def test_bad_data_cells_are_refused_and_the_next_iteration_uses_the_last_valid_value(window, qtbot, text):
    model = window.controls.data_model
    assert not model.setData(model.index(0, 1), text)
    assert "input wlrec of game 0" in window.status.message.full_text()
    assert "The value was not changed" in window.status.message.full_text()
    window.step()
    sync(qtbot, window)
    assert window.controller.log.inputs[0, 1] == 0.65


@pytest.mark.parametrize("text", BAD_NUMBERS)
def test_bad_weights_are_refused(window, qtbot, text):
    model = window.tables.weight_model
    assert not model.setData(model.index(0, 0), text)
    assert "weight toes→hurt" in window.status.message.full_text()
    window.step()
    sync(qtbot, window)
    assert window.controller.log.weights[0, 0, 0] == 0.1


@pytest.mark.parametrize("text", BAD_NUMBERS + ["0", "-0", "-1"])
def test_bad_alpha_is_refused_at_the_field(window, qtbot, text):
    set_alpha(window, text)
    assert "alpha stays 0.01" in window.controls.alpha_hint.text()
    window.step()
    sync(qtbot, window)
    assert window.controller.log.alpha[0] == 0.01


def test_minus_zero_is_taken_as_zero(window, qtbot):
    model = window.controls.data_model
    assert model.setData(model.index(0, 3), "-0")
    sync(qtbot, window)
    assert window.controls.data_model.data(window.controls.data_model.index(0, 3)) == "0"


def test_counts_and_speed_only_take_whole_numbers_in_range(window):
    controls = window.controls
    for field, low, high in ((controls.inputs_field, 1, 32), (controls.outputs_field, 1, 32),
                             (controls.run_field, 1, 10_000_000)):
        assert (field.minimum(), field.maximum()) == (low, high)
        assert field.validate("abc", 0)[0].name == "Intermediate"  # kept as typed, refused when committed
        field.lineEdit().setText("abc")
        with pytest.raises(ValueError, match=f"from {low:,} to {high:,}, not abc"):
            field.typed_value()
        field.lineEdit().setText(str(high + 1))
        with pytest.raises(ValueError, match=f"from {low:,} to {high:,}, not {high + 1}"):
            field.typed_value()
    assert (controls.speed_slider.minimum(), controls.speed_slider.maximum()) == (0, len(SPEEDS) - 1)


# -- divergence and numeric faults -----------------------------------------------------------------
def test_far_too_large_alpha_pauses_with_the_last_finite_state(window, qtbot, monkeypatch, tmp_path, capfd):
    set_alpha(window, "5")
    window.controls.speed_slider.setValue(SPEEDS.index(None))
    window.toggle_play()
    qtbot.waitUntil(lambda: window.controls.notice.isVisible(), timeout=10000)
    wait_until_stopped(qtbot, window)
    assert "alpha 5 is above" in window.controls.notice.text()
    log = window.controller.log
    assert np.isfinite(window.controller.state.weights).all() and np.isfinite(log.error_total).all()
    assert export(qtbot, window, monkeypatch, tmp_path / "d.csv")
    text = (tmp_path / "d.csv").read_text()
    assert text.splitlines()[-1].startswith(f"# Training stopped at iteration {log.count + 1}: ")
    rows = csv_rows(tmp_path / "d.csv")
    assert len(rows) == log.count
    assert all(np.isfinite(float(v)) for row in rows for k, v in row.items() if k != "example")
    assert "Warning" not in capfd.readouterr().err


def test_divergence_at_the_first_iteration_of_a_batch_still_reaches_the_csv(window, qtbot, monkeypatch, tmp_path):
    """Alpha 5 on multi-in-out diverges at iteration 3. Run 2 first, then Step: that Step's
    report carries no record, only why training stopped, and the export must still say it."""
    set_alpha(window, "5")
    run(qtbot, window, 2)
    assert window.controller.log.count == 2 and not window.controls.notice.isVisible()
    window.step()
    sync(qtbot, window)
    assert window.controls.notice.isVisible() and window.controller.log.count == 2
    assert export(qtbot, window, monkeypatch, tmp_path / "d.csv")
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

    run(qtbot, window, 20_000)
    folder = tmp_path / "exports"
    folder.mkdir()
    path = folder / "log.csv"
    path.write_text("yesterday's log\n")
    real_lines = csv_log.stream_lines  # every CSV written goes through it

    def full_disk(*args, **kwargs):
        for number, text in enumerate(real_lines(*args, **kwargs)):
            if number == 2:
                raise OSError(28, "No space left on device")
            yield text

    monkeypatch.setattr(csv_log, "stream_lines", full_disk)
    export(qtbot, window, monkeypatch, path)
    assert dialogs[-1][0] == "critical" and "No space left on device" in dialogs[-1][1]
    assert path.read_text() == "yesterday's log\n"
    assert os.listdir(folder) == ["log.csv"]  # the temporary file is gone


def test_a_hundred_quick_steps_give_exactly_a_hundred_iterations(window, qtbot):
    """The window's log is the core's, bit for bit (compared as bytes). Checked against a broken
    build (the window's log writing its weights of 0.0 as -0.0, in a scratch copy): this failed,
    where comparing with ``np.array_equal`` (as ``IterationLog.equals`` did) passed."""
    for _ in range(100):
        window.step()
    sync(qtbot, window)
    core = preset_training("multi-in-out")
    core.run(100)
    assert same_log(window.controller.log, core.log)
    assert same_bits(window.controller.state.weights, core.weights)


def test_play_pause_fifty_times_skips_and_repeats_nothing(window, qtbot):
    window.controls.speed_slider.setValue(SPEEDS.index(None))
    for _ in range(50):
        window.controller.play()
        QApplication.processEvents()
        window.controller.pause()
        QApplication.processEvents()
    wait_until_stopped(qtbot, window)
    log = window.controller.log
    assert log.iterations.tolist() == list(range(1, log.count + 1))
    core = preset_training("multi-in-out")
    core.run(log.count)
    assert same_log(log, core.log)


def test_data_edited_during_play_lands_between_two_iterations(window, qtbot, monkeypatch, tmp_path):
    window.controls.speed_slider.setValue(SPEEDS.index(1000))
    window.toggle_play()
    wait_for_iterations(qtbot, window, 30)
    window.controls.data_model.setData(window.controls.data_model.index(0, 0), "7.5")
    qtbot.waitUntil(lambda: window.controller.log.inputs[-1, 0] == 7.5, timeout=10000)
    window.toggle_play()
    wait_until_stopped(qtbot, window)
    export(qtbot, window, monkeypatch, tmp_path / "e.csv")
    toes = [row["in:toes"] for row in csv_rows(tmp_path / "e.csv")]
    change = toes.index("7.5")
    assert change >= 30 and set(toes[:change]) == {"8.5"} and set(toes[change:]) == {"7.5"}


def test_a_slow_window_never_has_more_than_one_batch_in_flight(window, qtbot):
    """The trainer waits for a grant after each batch: however slow the window, the reports with
    records that are sent but not yet taken are never more than one.

    Counted where it happens: each report with records as the trainer emits it (a direct
    connection runs in the trainer's thread), each Grant as the controller sends it. Checked
    against a broken build (the trainer's ``self._granted = False`` after a batch removed, in a
    scratch copy): two batches were in flight at once and this failed (``assert 2 == 1``)."""
    from PySide6.QtCore import Qt

    view = window.views.network_view
    real_paint = type(view).paintEvent
    trainer = window.controller.trainer
    counts = {"sent": 0, "granted": 0, "most": 0}
    real_send = trainer.send

    def send(command):
        if type(command).__name__ == "Grant":
            counts["granted"] += 1  # before the trainer can see it
        real_send(command)

    def sent(report):  # in the trainer's thread, as it emits
        if report.records is not None:
            counts["sent"] += 1
            counts["most"] = max(counts["most"], counts["sent"] - counts["granted"])

    trainer.send = send
    trainer.report.connect(sent, Qt.ConnectionType.DirectConnection)

    def slow_paint(self, event):
        block = threading.Event()
        block.wait(0.02)  # a slow window (a wait, not the thing tested)
        real_paint(self, event)

    type(view).paintEvent = slow_paint
    try:
        window.controls.speed_slider.setValue(SPEEDS.index(None))
        window.toggle_play()
        wait_for_iterations(qtbot, window, 20_000, timeout=120000)
        window.toggle_play()
        wait_until_stopped(qtbot, window)
    finally:
        type(view).paintEvent = real_paint
        trainer.report.disconnect(sent)
        del trainer.send
    received = window.controller.log.count
    core = preset_training("multi-in-out")
    core.run(received)
    assert same_log(window.controller.log, core.log)
    assert counts["sent"] > 5 and counts["granted"] == counts["sent"]  # every batch taken, and granted once
    assert counts["most"] == 1


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
    run(qtbot, window, 200_000)
    qtbot.waitUntil(lambda: window.views.error_plot.shown == 200_000, timeout=30000)
    assert window.status.iteration_label.text() == "Iteration 200,000"
    core = preset_training("multi-in-out")
    core.run(200_000)
    assert same_log(window.controller.log, core.log)


def test_a_large_export_runs_on_a_thread_and_closing_finishes_it_first(qtbot, monkeypatch, tmp_path, qtlog,
                                                                      make_window):
    """Closing mid-export waits for the file (its progress shown), then closes: nothing the learner
    asked for is cancelled silently (Ctrl+C still cancels it: test_startup)."""
    from gdviz.ui.jobs import Job

    win = make_window()
    run(qtbot, win, 60_000)
    held, go_on = threading.Event(), threading.Event()
    real_progress = Job._progress

    def held_progress(job, done, total):
        held.set()
        go_on.wait(timeout=60)
        return real_progress(job, done, total)

    monkeypatch.setattr(Job, "_progress", held_progress)
    path = tmp_path / "big.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))
    win.actions.export.trigger()
    assert win.files.busy
    try:
        qtbot.waitUntil(held.is_set)
        expected = win.controller.log.slice(0, win.controller.log.count)
        win.close()  # mid-export
        assert win.isVisible() and win.files.busy
    finally:
        go_on.set()  # a failure above must not leave the export waiting for ever
    qtbot.waitUntil(lambda: not shiboken6.isValid(win) or not win.isVisible(), timeout=60000)
    log, _, _ = read_csv(path)
    assert same_log(log, expected)
    assert [name for name in os.listdir(tmp_path) if name.endswith(".part")] == []
    assert not [r for r in qtlog.records if "QThread" in r.message]


def test_a_large_export_completes_in_the_background(window, qtbot, monkeypatch, tmp_path):
    run(qtbot, window, 60_000)
    path = tmp_path / "big.csv"
    export(qtbot, window, monkeypatch, path)
    log, _, _ = read_csv(path)
    assert same_log(log, window.controller.log)


def test_reset_and_training_during_a_large_export_leave_the_file_as_it_was_asked_for(
        window, qtbot, monkeypatch, tmp_path):
    """The export reads the window's records in place (no copy); Reset starts a new log, so
    the records written after it never reach the file being exported."""
    from gdviz.ui.jobs import Job

    run(qtbot, window, 60_000)
    expected = window.controller.log.slice(0, window.controller.log.count)
    go_on = threading.Event()
    real_progress = Job._progress

    def held_progress(job, done, total):  # the export thread waits after its first block
        go_on.wait(timeout=60)
        return real_progress(job, done, total)

    monkeypatch.setattr(Job, "_progress", held_progress)
    path = tmp_path / "big.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))
    window.actions.export.trigger()
    assert window.files.busy
    try:
        window.reset()
        sync(qtbot, window)
        assert window.controller.log.count == 0
        set_alpha(window, "0.02")
        window.step()
        window.step()
        sync(qtbot, window)
        assert window.controller.log.count == 2
    finally:
        go_on.set()
    wait_for_files(qtbot, window)
    log, _, _ = read_csv(path)
    assert same_log(log, expected)
    assert window.controller.log.alpha.tolist() == [0.02, 0.02]
