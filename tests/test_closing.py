"""Nothing is lost on close: unsaved training or edits are asked about (Save / Discard / Cancel), a
file being written is finished first, and Ctrl+C / SIGTERM close at once, as before.

The question is answered by the ``close_answers`` fixture (conftest): a modal box would block."""

import signal
import threading

import pytest
import shiboken6
from conftest import run, shown, sync, wait_for_files
from PySide6.QtWidgets import QFileDialog, QMessageBox

from gdviz.core.session import load_session

Save = QMessageBox.StandardButton.Save
Discard = QMessageBox.StandardButton.Discard
Cancel = QMessageBox.StandardButton.Cancel


def is_open(win) -> bool:
    return shiboken6.isValid(win) and win.isVisible()


def save_to(monkeypatch, path):
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))


def test_a_fresh_window_closes_without_a_question(make_window, close_answers):
    """Checked to fail with a session taken as unsaved from the start (no mark at start-up)."""
    win = make_window("multi-in")
    win.close()
    assert close_answers.asked == [] and not is_open(win)


def test_unsaved_training_asks_and_cancel_keeps_the_window(make_window, qtbot, close_answers):
    """Cancel: the window stays, with its iterations; Discard then closes it. Checked to fail with
    may_close always True (no question: asked stays empty)."""
    win = make_window("multi-in")
    win.step()
    sync(qtbot, win)
    close_answers.append(Cancel)
    win.close()
    assert close_answers.asked == ["1 iteration trained since the window opened"]
    assert is_open(win) and win.controller.log.count == 1
    close_answers.append(Discard)
    win.close()
    assert len(close_answers.asked) == 2 and not is_open(win)


def test_save_from_the_question_saves_then_closes(make_window, qtbot, monkeypatch, tmp_path, close_answers):
    """Save runs the usual save (its file dialog, its job); the window closes once the file is
    written, and the file holds every iteration. Checked to fail with the window closed before the
    save finished (the job then cancelled: no file)."""
    win = make_window("multi-in")
    run(qtbot, win, 500)
    path = tmp_path / "kept.gdviz"
    save_to(monkeypatch, path)
    close_answers.append(Save)
    win.close()
    qtbot.waitUntil(lambda: not is_open(win), timeout=30000)
    assert len(close_answers.asked) == 1
    assert load_session(path).log.count == 500


def test_save_then_cancelling_the_file_dialog_keeps_the_window(make_window, qtbot, monkeypatch, close_answers):
    win = make_window("multi-in")
    win.step()
    sync(qtbot, win)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: ("", ""))
    close_answers.append(Save)
    win.close()
    assert is_open(win) and not win.files.busy


def test_after_a_save_or_an_open_closing_asks_nothing(make_window, qtbot, monkeypatch, tmp_path, close_answers):
    """Saved: clean; trained again: asked; opened from a file: clean again."""
    win = make_window("multi-in")
    run(qtbot, win, 20)
    path = tmp_path / "s.gdviz"
    save_to(monkeypatch, path)
    win.actions.save.trigger()
    wait_for_files(qtbot, win)
    assert not win.files.unsaved
    win.step()
    sync(qtbot, win)
    assert win.files.unsaved
    close_answers.append(Cancel)
    win.close()
    assert close_answers.asked == ["1 iteration trained since it was saved"] and is_open(win)
    win.files.open_session(str(path))
    wait_for_files(qtbot, win)
    sync(qtbot, win)
    assert not win.files.unsaved and win.controller.log.count == 20
    win.close()
    assert len(close_answers.asked) == 1 and not is_open(win)


def test_what_counts_as_unsaved(make_window, qtbot):
    """An edit is unsaved until it is put back; another preset, Reset, or an alpha are unsaved; Undo
    back to the saved session is not. Checked to fail with the flag set by any state change (a
    weight put back then still counted)."""
    win = make_window("multi-in")
    controller = win.controller
    weight = float(controller.state.weights[0, 0])
    controller.set_weight(0, 0, 5.0)
    sync(qtbot, win)
    assert win.files.unsaved
    controller.set_weight(0, 0, weight)
    sync(qtbot, win)
    assert not win.files.unsaved
    controller.set_alpha(0.02)
    sync(qtbot, win)
    assert win.files.unsaved
    controller.set_alpha(0.01)
    sync(qtbot, win)
    assert not win.files.unsaved
    controller.load_preset("single")
    sync(qtbot, win)
    assert win.files.unsaved
    controller.undo_stack.undo()
    sync(qtbot, win)
    assert not win.files.unsaved
    controller.reset()  # an empty log already, but a new one: Undo would bring the old one back
    sync(qtbot, win)
    assert win.files.unsaved


def test_closing_while_playing_pauses_and_saves_what_was_trained(make_window, qtbot, monkeypatch, tmp_path,
                                                                 close_answers):
    """Closing at full speed: training pauses before the question, the save holds every iteration
    the window had, and the window closes after one question (not asked again because training went
    on meanwhile). Checked to fail without the pause (the re-close asked a second time)."""
    win = make_window("multi-in")
    controller = win.controller
    controller.set_speed(None)
    controller.play()
    qtbot.waitUntil(lambda: controller.log.count > 2000, timeout=30000)
    path = tmp_path / "playing.gdviz"
    save_to(monkeypatch, path)
    counts = []
    monkeypatch.setattr(win.files, "_unsaved_work", lambda: counts.append(controller.log.count) or "work")
    close_answers.append(Save)
    win.close()
    qtbot.waitUntil(lambda: not is_open(win), timeout=30000)
    assert close_answers.asked == ["work"]
    assert load_session(path).log.count == counts[0] > 2000


def test_closing_during_a_save_finishes_it_then_closes(make_window, qtbot, monkeypatch, tmp_path, close_answers):
    """The save under way is not cancelled: the window shows its progress, waits, and closes once
    the file is complete. Checked to fail against the old closeEvent (the save cancelled, no file)."""
    from gdviz.ui.jobs import Job

    win = make_window("multi-in")
    run(qtbot, win, 3000)
    held, go_on = threading.Event(), threading.Event()
    real_progress = Job._progress

    def held_progress(job, done, total):
        held.set()
        go_on.wait(timeout=60)
        return real_progress(job, done, total)

    monkeypatch.setattr(Job, "_progress", held_progress)
    path = tmp_path / "during.gdviz"
    save_to(monkeypatch, path)
    win.actions.save.trigger()
    qtbot.waitUntil(held.is_set)
    try:
        win.close()  # mid-save
        assert is_open(win) and win.files.busy
        dialog = win.files.jobs._dialog
        assert dialog is not None and dialog.isVisible() and "before closing" in dialog.labelText()
    finally:
        go_on.set()
    qtbot.waitUntil(lambda: not is_open(win), timeout=30000)
    assert close_answers.asked == []  # saved: nothing left to ask about
    assert load_session(path).log.count == 3000


def test_a_save_cancelled_while_closing_keeps_the_window(make_window, qtbot, monkeypatch, tmp_path):
    from gdviz.ui.jobs import Job

    win = make_window("multi-in")
    run(qtbot, win, 3000)
    held, go_on = threading.Event(), threading.Event()
    real_progress = Job._progress

    def held_progress(job, done, total):
        held.set()
        go_on.wait(timeout=60)
        return real_progress(job, done, total)

    monkeypatch.setattr(Job, "_progress", held_progress)
    save_to(monkeypatch, tmp_path / "cancelled.gdviz")
    win.actions.save.trigger()
    qtbot.waitUntil(held.is_set)
    win.close()
    win.files.jobs.job.cancel()  # the progress dialog's Cancel
    go_on.set()
    wait_for_files(qtbot, win)
    assert is_open(win) and not (tmp_path / "cancelled.gdviz").exists()


@pytest.mark.parametrize("number", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_and_sigterm_close_without_a_question(make_window, qtbot, close_answers, number):
    """The signal handler closes a window with unsaved work at once, then exits with 130 or 0 (the
    real process: test_startup). Checked to fail without close_at_once in the handler (asked)."""
    from PySide6.QtCore import QObject

    from gdviz.ui.app import close_on_signals

    class App(QObject):  # the application's exit, recorded (the test's own event loop goes on)
        codes: list = []

        def exit(self, code):
            self.codes.append(code)

        def setQuitOnLastWindowClosed(self, on):  # noqa: N802 - Qt's name
            pass

    win = make_window("multi-in")
    win.step()
    sync(qtbot, win)
    assert win.files.unsaved
    app = App()
    restore = close_on_signals(app, win)
    try:
        signal.raise_signal(number)
        qtbot.waitUntil(lambda: not is_open(win), timeout=10000)
    finally:
        restore()
    assert close_answers.asked == [] and app.codes == [130 if number == signal.SIGINT else 0]


def test_a_step_still_in_the_trainer_when_closing_is_asked_about(make_window, close_answers):
    """Step, then close at once (its report not in yet): closing waits for the trainer first, so the
    iteration is counted as unsaved work. Checked to fail without waiting (closed, not asked)."""
    win = make_window("multi-in")
    win.step()
    close_answers.append(Cancel)
    win.close()
    assert close_answers.asked == ["1 iteration trained since the window opened"]
    assert is_open(win) and win.controller.log.count == 1


def test_a_save_from_the_question_that_fails_keeps_the_window(make_window, qtbot, monkeypatch, tmp_path,
                                                             close_answers, dialogs):
    """Save chosen, but the file cannot be written: the failure is said, and the window stays with its
    work (closing it then would lose what the learner asked to keep). Checked to fail with the window
    closed after the job whatever its result."""
    win = make_window("multi-in")
    win.step()
    sync(qtbot, win)
    save_to(monkeypatch, tmp_path / "missing-folder" / "s.gdviz")
    close_answers.append(Save)
    win.close()
    wait_for_files(qtbot, win)
    shown(qtbot)  # a close scheduled after the job would have happened by now
    assert dialogs and dialogs[-1][0] == "critical"
    assert is_open(win) and win.files.unsaved and win.controller.log.count == 1
