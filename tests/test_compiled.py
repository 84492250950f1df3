"""The compiled (GIL-free) loops: the numpy engine's numbers bit for bit, one compile, a said fallback."""

import numpy as np
import pytest

from gdviz.core import compiled, preset_training
from gdviz.core.log import FIELDS

LOOPS = compiled.loops()
# numba missing (or failing to compile) shows as a skip with its reason, never as a pass that
# tested numpy against itself
NEEDS_NUMBA = pytest.mark.skipif(LOOPS is None, reason=f"numba cannot compile here: {compiled.problem()}")


def bits(values) -> bytes:
    """The bytes of an array: -0.0 and 0.0 differ, as they do in a CSV."""
    return np.ascontiguousarray(values).tobytes()


PRESETS = ["single", "multi-in", "multi-out", "multi-in-out", "multi-in-frozen"]
SQUARE = ["single", "multi-in-out"]  # the printed update exists only for a square network


@pytest.mark.parametrize("mode", ["example", "cycle", "batch"])
@pytest.mark.parametrize(("preset", "printed"), [(p, False) for p in PRESETS] + [(p, True) for p in SQUARE])
@NEEDS_NUMBA
def test_compiled_loops_equal_numpy_on_every_preset(preset, mode, printed):
    plain = preset_training(preset, mode=mode, as_printed=printed)
    fast = preset_training(preset, mode=mode, as_printed=printed, loops=LOOPS)
    plain.run(2000)
    fast.run(2000)
    assert fast.log.count == plain.log.count
    for name in FIELDS:
        assert bits(fast.log.field(name)) == bits(plain.log.field(name)), name
    assert bits(fast.weights) == bits(plain.weights)


@NEEDS_NUMBA
@pytest.mark.parametrize("mode", ["example", "cycle"])  # a batch's sums start from +0.0: no -0.0 to keep
def test_compiled_loops_keep_the_sign_of_a_zero(mode):
    """An input of -0.0 makes weight_deltas of -0.0 (no preset has one); the compiled loops keep
    its sign as numpy's do, compared as bytes. Checked against a broken build (the compiled loops'
    weight_deltas of -0.0 turned into 0.0, monkeypatched in a scratch copy): this failed, where
    ``np.array_equal`` (-0.0 == 0.0) passed."""
    from gdviz.core import DataSet, Training

    data = DataSet(("a", "b"), ("y",), [[-0.0, 1.0], [-0.0, 2.0]], [[-1.0], [-2.0]])
    plain = Training(data, [[0.5, 0.25]], 0.01, mode=mode)
    fast = Training(data, [[0.5, 0.25]], 0.01, mode=mode, loops=LOOPS)
    plain.run(20)
    fast.run(20)
    assert np.signbit(plain.log.weight_deltas[:, 0, 0]).all()  # the case holds -0.0s to keep
    for name in FIELDS:
        assert bits(fast.log.field(name)) == bits(plain.log.field(name)), name
    assert bits(fast.weights) == bits(plain.weights)


@NEEDS_NUMBA
def test_compiled_loops_stop_at_divergence_like_numpy():
    plain = preset_training("multi-in", alpha=0.1)
    fast = preset_training("multi-in", alpha=0.1, loops=LOOPS)
    assert plain.run(1000).divergence.iteration == fast.run(1000).divergence.iteration == 5


@NEEDS_NUMBA
def test_read_only_data_does_not_compile_again():
    """The presets' data arrays are read-only; the kernels have one signature each (C-contiguous,
    writable), and the data is handed over as a writable copy rather than compiled for anew."""
    training = preset_training("multi-in-out", mode="batch", loops=LOOPS)
    assert not training.data.inputs.flags.writeable
    training.run(10)
    assert len(LOOPS._rows.signatures) == len(LOOPS._batch.signatures) == 1


def test_closing_ends_a_compile_still_running_in_its_process(monkeypatch):
    """Closing the window (cancel_loading) kills the process filling numba's cache instead of
    waiting for the compiler; the process here stands for a compile that would take a minute."""
    import threading

    monkeypatch.setattr(compiled, "COMPILE_INTO_CACHE", "import time; time.sleep(60)")
    compiled._cancelled.clear()  # an earlier test's window, closing, cancelled its own load
    result = []
    worker = threading.Thread(target=lambda: result.append(compiled.fill_cache_in_a_process()))
    worker.start()
    try:
        def started():  # the stand-in process, not one a window of an earlier test started
            return compiled._compiler is not None and compiled._compiler.args[-1] == compiled.COMPILE_INTO_CACHE

        while worker.is_alive() and not started():
            worker.join(0.01)
        assert started()
        compiled.cancel_loading()
        worker.join()
        assert result == [False]
        assert compiled._compiler.returncode is not None and compiled._compiler.returncode < 0  # killed
    finally:
        compiled._cancelled.clear()
