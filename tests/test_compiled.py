"""The compiled (GIL-free) loops give the numpy engine's results to 1e-12, relative."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gdviz import compiled
from gdviz.core import Training, preset_training
from gdviz.core.log import FIELDS

LOOPS = compiled.loops()
pytestmark = pytest.mark.skipif(LOOPS is None, reason="numba is not available")


def assert_logs_agree(fast, plain):
    """Every number to 1e-12 relative to the scale of its field (a weight passing through 0, or a
    delta cancelling to nearly 0 as training converges, has no meaningful relative error of its own)."""
    assert fast.count == plain.count
    for name in FIELDS:
        expected = plain.field(name)
        scale = max(1.0, float(np.abs(expected).max(initial=0.0)))
        np.testing.assert_allclose(fast.field(name), expected, rtol=1e-12, atol=1e-12 * scale,
                                   err_msg=name)


@pytest.mark.parametrize("mode", ["example", "cycle", "batch"])
@pytest.mark.parametrize("preset", ["single", "multi-in", "multi-out", "multi-in-out", "multi-in-frozen"])
def test_compiled_loops_match_numpy_on_every_preset(preset, mode):
    plain = preset_training(preset, mode=mode)
    fast = preset_training(preset, mode=mode, loops=LOOPS)
    plain.run(2000)
    fast.run(2000)
    assert_logs_agree(fast.log, plain.log)
    np.testing.assert_allclose(fast.weights, plain.weights, rtol=1e-12)


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 12), m=st.integers(1, 12), k=st.integers(1, 5),
       mode=st.sampled_from(["example", "cycle", "batch"]), seed=st.integers(0, 2**32 - 1))
def test_compiled_loops_match_numpy_on_random_networks(n, m, k, mode, seed):
    from gdviz.core import DataSet

    rng = np.random.default_rng(seed)
    data = DataSet(tuple(f"x{i}" for i in range(n)), tuple(f"y{o}" for o in range(m)),
                   rng.uniform(-1, 1, (k, n)), rng.uniform(-1, 1, (k, m)))
    weights = rng.uniform(-1, 1, (m, n))
    frozen = rng.random((m, n)) < 0.3
    plain = Training(data, weights, 0.05, mode=mode, frozen=frozen)
    fast = Training(data, weights, 0.05, mode=mode, frozen=frozen, loops=LOOPS)
    plain.run(300)
    fast.run(300)
    assert_logs_agree(fast.log, plain.log)


def test_compiled_loops_stop_at_divergence_like_numpy():
    plain = preset_training("multi-in", alpha=0.1)
    fast = preset_training("multi-in", alpha=0.1, loops=LOOPS)
    assert plain.run(1000).divergence.iteration == fast.run(1000).divergence.iteration == 8
