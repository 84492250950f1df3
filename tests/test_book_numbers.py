"""The chapter's printed numbers come out of the engine exactly (``==``, every bit), on any CPU."""

import numpy as np
import pytest

from gdviz.core import preset_training
from gdviz.core.compiled import loops as compiled_loops
from gdviz.core.engine import NUMPY_LOOPS

ENGINES = [pytest.param(NUMPY_LOOPS, id="numpy"),
           pytest.param("compiled", id="compiled")]


def training_on(preset, engine, **settings):
    loops = NUMPY_LOOPS if engine is NUMPY_LOOPS else compiled_loops()
    if loops is None:
        pytest.skip("numba cannot compile here")
    return preset_training(preset, loops=loops, **settings)


@pytest.mark.parametrize("engine", ENGINES)
def test_multi_in_three_iterations_as_the_chapter_prints_them(engine):
    training = training_on("multi-in", engine)
    training.run(3)
    log = training.log
    assert log.pred[:, 0].tolist() == [0.8600000000000001, 0.9637574999999999, 0.9906177228125002]
    assert log.error_total.tolist() == [0.01959999999999997, 0.0013135188062500048, 8.802712522307997e-05]
    assert log.error[:, 0].tolist() == log.error_total.tolist()
    assert log.weights[1, 0].tolist() == [0.1119, 0.20091, -0.09832]
    assert log.weights[2, 0].tolist() == [0.11498061250000001, 0.20114557625, -0.09788509000000001]
    assert log.weight_deltas[:, 0].tolist() == [
        [-1.189999999999999, -0.09099999999999994, -0.16799999999999987],
        [-0.30806125000000056, -0.023557625000000044, -0.04349100000000008],
        [-0.07974935609374867, -0.006098480171874899, -0.011258732624999811],
    ]
    assert log.iterations.tolist() == [1, 2, 3] and log.example.tolist() == [0, 0, 0]


@pytest.mark.parametrize("engine", ENGINES)
def test_multi_out_one_iteration(engine):
    training = training_on("multi-out", engine)
    training.step()
    assert training.log.weight_deltas[0, :, 0].tolist() == [0.061750000000000006, -0.5655, 0.3152500000000001]
    assert training.weights[:, 0].tolist() == [0.293825, 0.25655, 0.868475]


@pytest.mark.parametrize("engine", ENGINES)
def test_multi_in_out_delta_and_the_printed_update(engine):
    right = training_on("multi-in-out", engine)
    right.step()
    assert right.log.delta[0].tolist() == [0.45500000000000007, -0.019999999999999907, 0.8650000000000001]
    printed = training_on("multi-in-out", engine, alpha=0.1, as_printed=True)
    printed.step()
    assert printed.weights.tolist() == [
        [-0.28675000000000006, 0.11699999999999992, -1.0352500000000002],
        [0.070425, 0.2013, -0.05622500000000002],
        [-0.05460000000000001, 1.3024, -0.003799999999999998],
    ]
    assert printed.log.as_printed.tolist() == [True] and right.log.as_printed.tolist() == [False]


def test_multi_in_out_one_iteration_uses_the_correct_not_the_printed_update():
    training = preset_training("multi-in-out")
    training.step()
    assert training.log.pred[0].tolist() == [0.555, 0.9800000000000001, 0.9650000000000001]
    np.testing.assert_allclose(
        training.weights,
        [[0.061325, 0.0970425, -0.30546], [0.1017, 0.20013, 0.00024], [-0.073525, 1.2943775, 0.08962]],
        rtol=0, atol=1e-15,
    )


@pytest.mark.parametrize("how", ["preset", "override"])
def test_freezing_toes_reproduces_the_book(how):
    if how == "preset":
        training = preset_training("multi-in-frozen")
    else:
        training = preset_training("multi-in", alpha=0.3)
        training.set_frozen(0, 0)
    training.run(3)
    assert training.log.pred[:, 0].tolist() == [0.8600000000000001, 0.9382250000000001, 0.97274178125]
    assert (training.log.weights[:, 0, 0] == 0.1).all() and training.weights[0, 0] == 0.1
    assert (training.log.weight_deltas[:, 0, 0] == 0).all()


def test_single_preset_learns_toes_to_win():
    training = preset_training("single")
    training.step()
    # pred = 8.5 × 0.1 = 0.85; delta = -0.15; weight_delta = -1.275; w = 0.1 + 0.01275
    assert training.log.pred[0].tolist() == [0.8500000000000001]
    assert training.weights.tolist() == [[0.11275]]


def test_each_preset_carries_its_own_listings_data():
    """The multi-output listing has wlrec = [0.65, 1.0, 1.0, 0.9]; every other listing [0.65, 0.8, 0.8, 0.9]."""
    from gdviz.core.presets import PRESETS

    for name in [name for name, preset in PRESETS.items() if preset.source is None]:  # the book's (not digits)
        training = preset_training(name)
        assert training.data.n_examples == 4 and training.example == 0 and training.mode == "example"
        if "wlrec" in training.data.input_names:
            column = training.data.input_names.index("wlrec")
            expected = [0.65, 1.0, 1.0, 0.9] if name == "multi-out" else [0.65, 0.8, 0.8, 0.9]
            assert training.data.inputs[:, column].tolist() == expected, name
