"""The engine's modes, settings, resets and divergence handling."""

import numpy as np
import pytest

from gdviz.core import DataSet, Training, preset_training
from gdviz.core.log import NO_EXAMPLE


def bare_numpy(weights, x, t, alpha, iterations):
    """The chapter's loop, written plainly."""
    w = np.array(weights, dtype=float)
    for _ in range(iterations):
        delta = w @ x - t
        w = w - alpha * np.outer(delta, x)
    return w


def test_engine_equals_the_plain_loop_over_many_iterations():
    training = preset_training("multi-in-out")
    training.run(5000)
    data = training.data
    expected = bare_numpy(training.initial_weights, data.inputs[0], data.targets[0], 0.01, 5000)
    np.testing.assert_allclose(training.weights, expected, rtol=1e-12, atol=0)


def test_cycle_mode_visits_examples_in_order_and_wraps():
    training = preset_training("multi-in-out", mode="cycle")
    training.run(10)
    np.testing.assert_array_equal(training.log.example, [0, 1, 2, 3, 0, 1, 2, 3, 0, 1])
    np.testing.assert_array_equal(training.log.inputs[5], training.data.inputs[1])
    w = np.array(training.initial_weights)
    for k in range(10):
        x, t = training.data.inputs[k % 4], training.data.targets[k % 4]
        w = w - 0.01 * np.outer(w @ x - t, x)
    np.testing.assert_allclose(training.weights, w, rtol=1e-12)


def test_batch_mode_is_the_mean_of_the_example_updates():
    training = preset_training("multi-in-out", mode="batch")
    training.step()
    means = np.mean(
        [np.outer(training.initial_weights @ x - t, x) for x, t in zip(training.data.inputs, training.data.targets)],
        axis=0,
    )
    np.testing.assert_allclose(training.log.weight_deltas[0], means, rtol=1e-12)
    assert training.log.example[0] == NO_EXAMPLE
    errors = [(training.initial_weights @ x - t) ** 2 for x, t in zip(training.data.inputs, training.data.targets)]
    np.testing.assert_allclose(training.log.error[0], np.mean(errors, axis=0), rtol=1e-12)


def test_settings_change_between_iterations_and_the_log_records_alpha_used():
    training = preset_training("multi-in")
    training.run(2)
    training.set_alpha(0.001)
    training.run(2)
    training.set_mode("cycle")
    training.step()
    np.testing.assert_array_equal(training.log.alpha, [0.01, 0.01, 0.001, 0.001, 0.001])
    assert training.log.example[-1] == 0  # iteration 5 of a cycle over 4 games uses game 0
    assert training.iteration == 5


def test_reset_restores_initial_weights_and_clears_the_log():
    training = preset_training("multi-in")
    training.run(50)
    training.reset()
    assert training.iteration == 0 and len(training.log) == 0
    np.testing.assert_array_equal(training.weights, [[0.1, 0.2, -0.1]])
    training.step()
    np.testing.assert_allclose(training.log.pred[0], [0.86])


def test_divergence_stops_at_the_first_bad_iteration_and_keeps_finite_rows():
    training = preset_training("multi-in", alpha=0.1)  # above 2/‖x‖² ≈ 0.027
    result = training.run(10_000)
    assert result.divergence is not None
    assert result.iterations == len(training.log) == result.divergence.iteration - 1
    assert np.isfinite(training.log.error_total).all()
    assert np.isfinite(training.weights).all()
    np.testing.assert_array_equal(training.weights, training.log.weights[-1] - 0.1 * training.log.weight_deltas[-1])
    assert result.divergence.iteration == 5  # iteration 5's error is over 10⁶ × iteration 1's
    assert training.log.error_total[3] <= 1e6 * training.log.error_total[0]
    assert "alpha 0.1 is above 0.02699 = 2/‖x‖²" in result.divergence.message()


def test_overflow_to_infinity_stops_without_numpy_warnings(recwarn):
    data = DataSet(("x",), ("y",), [[1e200]], [[0.0]])
    training = Training(data, [[1.0]], alpha=1.0, growth_limit=None)
    result = training.run(100)
    assert result.divergence is not None and "infinite or NaN" in result.divergence.reason
    assert np.isfinite(training.weights).all()
    assert len(recwarn) == 0


@pytest.mark.parametrize("alpha", ["x", 0, -1, float("nan"), float("inf"), None])
def test_bad_alpha_is_refused_and_changes_nothing(alpha):
    training = preset_training("multi-in")
    with pytest.raises(ValueError):
        training.set_alpha(alpha)
    assert training.alpha == 0.01


def test_data_sets_hold_1_to_1024_inputs_and_1_to_64_outputs():
    DataSet.blank(1024, 64)
    with pytest.raises(ValueError, match="1 to 1,024 inputs"):
        DataSet.blank(0, 1)
    with pytest.raises(ValueError, match="1 to 1,024 inputs"):
        DataSet.blank(1025, 1)
    with pytest.raises(ValueError, match="1 to 64 outputs"):
        DataSet.blank(1, 65)


def test_stable_alpha_matches_the_chapter():
    training = preset_training("multi-in")
    assert training.stable_alpha() == 2 / (8.5 * 8.5 + 0.65 * 0.65 + 1.2 * 1.2)
    training.set_frozen(0, 0)
    assert training.stable_alpha() == 2 / (0.65 * 0.65 + 1.2 * 1.2)  # over the inputs whose weights move


def test_the_batch_bound_is_two_over_the_largest_eigenvalue():
    training = preset_training("multi-in", mode="batch")
    x = training.data.inputs
    assert training.stable_alpha() == pytest.approx(2 / np.linalg.eigvalsh(x.T @ x / 4)[-1], rel=1e-14)


def test_the_cycle_bound_is_where_a_cycle_stops_shrinking():
    """Cyclic training diverges where the spectral radius of one cycle's update passes 1: about
    0.02324 on multi-in, above the smallest per-example bound (0.0202)."""
    training = preset_training("multi-in", mode="cycle")
    bound = training.stable_alpha()
    assert 0.02320 < bound < 0.02330
    assert bound > min(2 / float(x @ x) for x in training.data.inputs)
    stable = preset_training("multi-in", mode="cycle", alpha=0.023)
    assert stable.run(20_000).divergence is None
    assert stable.log.error_total[-4:].sum() < stable.log.error_total[:4].sum()
    unstable = preset_training("multi-in", mode="cycle", alpha=bound * 1.003)
    assert unstable.run(20_000).divergence is not None


def test_a_bound_is_shown_with_digits_enough_to_tell_it_from_alpha():
    from gdviz.core.stability import bound_text

    assert bound_text(2 / 74.1125, 0.02699) == "0.026986"  # not "0.027", which reads as above 0.02699
    assert bound_text(2 / 74.1125, 0.1) == "0.02699"
    assert len(bound_text(0.5, 0.25).replace("0.", "")) >= 1


def test_a_short_run_is_stopped_when_the_error_grows_past_the_limit():
    """The README's rule: an iteration whose total error is over 10⁶ × the starting error stops."""
    training = preset_training("multi-in", alpha=5)
    result = training.run(3)
    assert result.divergence is not None and result.divergence.iteration == 3
    assert training.log.count == 2
