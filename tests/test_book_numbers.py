"""The chapter's printed numbers come out of the engine (tolerance 1e-9)."""

import numpy as np
import pytest

from gdviz.core import preset_training

TOL = dict(rtol=0, atol=1e-9)


def test_multi_in_three_iterations():
    training = preset_training("multi-in")
    training.run(3)
    log = training.log
    np.testing.assert_allclose(log.pred[:, 0], [0.86, 0.9637575, 0.9906177228125], **TOL)
    np.testing.assert_allclose(log.error_total, [0.0196, 0.0013135188062500, 8.802712522308e-05], **TOL)
    np.testing.assert_allclose(log.weights[1, 0], [0.1119, 0.20091, -0.09832], **TOL)
    np.testing.assert_allclose(log.weights[2, 0], [0.1149806125, 0.20114557625, -0.09788509], **TOL)
    np.testing.assert_array_equal(log.iterations, [1, 2, 3])
    np.testing.assert_array_equal(log.example, [0, 0, 0])


def test_multi_out_one_iteration():
    training = preset_training("multi-out")
    training.step()
    np.testing.assert_allclose(training.log.weight_deltas[0, :, 0], [0.06175, -0.5655, 0.31525], **TOL)
    np.testing.assert_allclose(training.weights[:, 0], [0.293825, 0.25655, 0.868475], **TOL)


def test_multi_in_out_one_iteration_uses_the_correct_not_the_printed_update():
    training = preset_training("multi-in-out")
    training.step()
    np.testing.assert_allclose(training.log.pred[0], [0.555, 0.98, 0.965], **TOL)
    np.testing.assert_allclose(training.log.delta[0], [0.455, -0.02, 0.865], **TOL)
    np.testing.assert_allclose(
        training.weights,
        [[0.061325, 0.0970425, -0.30546], [0.1017, 0.20013, 0.00024], [-0.073525, 1.2943775, 0.08962]],
        **TOL,
    )


@pytest.mark.parametrize("how", ["preset", "override"])
def test_freezing_toes_reproduces_the_book(how):
    if how == "preset":
        training = preset_training("multi-in-frozen")
    else:
        training = preset_training("multi-in", alpha=0.3)
        training.set_frozen(0, 0)
    training.run(3)
    np.testing.assert_allclose(training.log.pred[:, 0], [0.86, 0.938225, 0.97274178125], **TOL)
    assert (training.log.weights[:, 0, 0] == 0.1).all() and training.weights[0, 0] == 0.1
    assert (training.log.weight_deltas[:, 0, 0] == 0).all()


def test_single_preset_learns_toes_to_win():
    training = preset_training("single")
    training.step()
    # pred = 8.5 × 0.1 = 0.85; delta = -0.15; weight_delta = -1.275; w = 0.1 + 0.01275
    np.testing.assert_allclose(training.log.pred[0], [0.85], **TOL)
    np.testing.assert_allclose(training.weights, [[0.11275]], **TOL)


def test_every_preset_has_the_four_games_and_trains_on_the_first():
    from gdviz.core.presets import PRESETS

    for name in PRESETS:
        training = preset_training(name)
        assert training.data.n_examples == 4
        assert training.example == 0
        assert training.mode == "example"
