"""The compiled (GIL-free) loops: the numpy engine's numbers bit for bit, one compile, a said fallback."""

import numpy as np
import pytest

from gdviz.core import compiled, preset_training
from gdviz.core.log import FIELDS

LOOPS = compiled.loops()
pytestmark = pytest.mark.skipif(LOOPS is None, reason="numba cannot compile here")


@pytest.mark.parametrize("printed", [False, True])
@pytest.mark.parametrize("mode", ["example", "cycle", "batch"])
@pytest.mark.parametrize("preset", ["single", "multi-in", "multi-out", "multi-in-out", "multi-in-frozen"])
def test_compiled_loops_equal_numpy_on_every_preset(preset, mode, printed):
    square = preset in ("single", "multi-in-out")
    if printed and not square:
        pytest.skip("the printed update needs a square network")
    plain = preset_training(preset, mode=mode, as_printed=printed)
    fast = preset_training(preset, mode=mode, as_printed=printed, loops=LOOPS)
    plain.run(2000)
    fast.run(2000)
    assert fast.log.count == plain.log.count
    for name in FIELDS:
        assert np.array_equal(fast.log.field(name), plain.log.field(name)), name
    assert np.array_equal(fast.weights, plain.weights)


def test_compiled_loops_stop_at_divergence_like_numpy():
    plain = preset_training("multi-in", alpha=0.1)
    fast = preset_training("multi-in", alpha=0.1, loops=LOOPS)
    assert plain.run(1000).divergence.iteration == fast.run(1000).divergence.iteration == 5


def test_read_only_data_does_not_compile_again():
    """The presets' data arrays are read-only; the kernels have one signature each (C-contiguous,
    writable), and the data is handed over as a writable copy rather than compiled for anew."""
    training = preset_training("multi-in-out", mode="batch", loops=LOOPS)
    assert not training.data.inputs.flags.writeable
    training.run(10)
    assert len(LOOPS._rows.signatures) == len(LOOPS._batch.signatures) == 1
