"""No silent failure: any exception in the trainer thread stops training, keeps the log, and says
what went wrong in the window; Step then tries again (and says so again while it still fails)."""

import numpy as np
from conftest import run, sync

from gdviz.core import preset_training
from gdviz.core.engine import NUMPY_LOOPS
from gdviz.core.training import Training
from gdviz.ui.trainer import Trainer


def test_an_exception_in_the_trainer_is_shown_and_the_log_kept(window, qtbot, monkeypatch):
    """Checked to fail against the old trainer (only ValueError caught): the thread ended, the
    notice stayed empty and waitUntil timed out."""
    controller = window.controller
    controller.load_preset("multi-in")
    sync(qtbot, window)
    for _ in range(3):
        window.step()
    sync(qtbot, window)
    real_run = Training.run_records  # what the trainer trains with

    def failing(self, *args, **kwargs):
        raise RuntimeError("injected failure")

    monkeypatch.setattr(Training, "run_records", failing)
    window.step()
    qtbot.waitUntil(lambda: "injected failure" in controller.notice, timeout=10000)
    sync(qtbot, window)
    assert "RuntimeError: injected failure" in window.controls.notice.text()
    assert window.controls.notice.isVisible()
    assert controller.log.count == 3 and not controller.state.playing
    window.step()  # still failing: said again, nothing trained
    qtbot.waitUntil(lambda: "injected failure" in controller.notice, timeout=10000)
    sync(qtbot, window)
    assert controller.log.count == 3
    monkeypatch.setattr(Training, "run_records", real_run)
    window.step()  # fixed: the thread is alive and trains on from iteration 3
    sync(qtbot, window)
    assert controller.log.count == 4 and controller.notice == ""
    core = preset_training("multi-in")
    core.run(4)
    assert controller.log.pred.tobytes() == core.log.pred.tobytes()


def test_a_failure_half_way_through_a_run_keeps_every_whole_block(window, qtbot, monkeypatch):
    """Run 1,000 fails at the first block past iteration 200: the log keeps the blocks done before it,
    exactly the core's numbers, and the Run ends (not playing) with the message shown."""
    controller = window.controller
    controller.load_preset("multi-in")
    sync(qtbot, window)
    monkeypatch.setattr(Trainer, "_loops", staticmethod(lambda: NUMPY_LOOPS))  # blocks of 64
    real_compute = Training._compute

    def compute(self, start, count, frozen):
        if self.log.first_iteration + start > 200:
            raise MemoryError("injected: no memory for the next block")
        return real_compute(self, start, count, frozen)

    monkeypatch.setattr(Training, "_compute", compute)
    run(qtbot, window, 1000)
    qtbot.waitUntil(lambda: "MemoryError" in controller.notice, timeout=10000)
    count = controller.log.count
    assert 200 <= count < 1000 and not controller.state.playing
    core = preset_training("multi-in")
    core.run(count)
    for name in ("pred", "error_total", "weights"):
        assert getattr(controller.log, name).tobytes() == getattr(core.log, name).tobytes(), name
    assert np.array_equal(controller.state.weights, core.weights)
