"""The teaching views' numbers: bowls, the book's arithmetic, the printed erratum (sessions: test_sessions.py)."""

import numpy as np
import pytest

from gdviz.core import bowls, preset_training
from gdviz.core.arithmetic import iteration_lines


def test_bowl_slope_is_twice_the_weight_delta_and_its_bottom_is_the_best_weight():
    training = preset_training("multi-in")
    training.step()
    x, t = training.data.inputs[:1], training.data.targets[:1]
    w = training.log.weights[0]
    for i in range(3):
        slope = bowls.slope(w, x, t, 0, i)
        assert slope == pytest.approx(2 * training.log.weight_deltas[0, 0, i], abs=1e-9)
        bottom = bowls.minimum(w, x, t, 0, i)
        values = np.linspace(bottom - 1, bottom + 1, 2001)
        errors = bowls.error_along(w, x, t, 0, i, values)
        assert values[np.argmin(errors)] == pytest.approx(bottom, abs=1e-3)
        assert errors.min() == pytest.approx(0.0, abs=1e-6)  # one example: the bottom is exact
        assert bowls.error_along(w, x, t, 0, i, [w[0, i]])[0] == pytest.approx(0.0196, abs=1e-12)


def test_batch_bowl_is_the_mean_over_the_data_set():
    training = preset_training("multi-in-out", mode="batch")
    training.step()
    data = training.data
    w = training.log.weights[0]
    assert bowls.total_error(w, data.inputs, data.targets) == pytest.approx(training.log.error_total[0], rel=1e-12)
    assert bowls.slope(w, data.inputs, data.targets, 1, 2) == pytest.approx(
        2 * training.log.weight_deltas[0, 1, 2], rel=1e-9)


def test_surface_matches_error_along_each_axis():
    training = preset_training("multi-in-out")
    x, t = training.data.inputs[:1], training.data.targets[:1]
    w = training.weights
    a_values, b_values = np.linspace(-1, 1, 5), np.linspace(0, 2, 7)
    grid = bowls.surface(w, x, t, (1, 0), (2, 1), a_values, b_values)
    trial = w.copy()
    trial[1, 0] = a_values[3]
    np.testing.assert_allclose(grid[3], bowls.error_along(trial, x, t, 2, 1, b_values))


def test_the_arithmetic_reads_like_the_book():
    training = preset_training("multi-in")
    training.step()
    names = training.data.input_names, training.data.output_names
    text = [line.text for line in iteration_lines(training.log, 0, *names)]
    assert text[:3] == ["pred = 8.5×0.1 + 0.65×0.2 + 1.2×(−0.1) = 0.86", "delta = 0.86 − 1 = −0.14",
                        "error = (−0.14)² = 0.0196"]
    assert "weight_delta[toes] = −0.14 × 8.5 = −1.19" in text
    assert "w[toes] = 0.1 − 0.01 × (−1.19) = 0.1119" in text


def test_the_arithmetic_names_outputs_and_frozen_weights():
    training = preset_training("multi-in-frozen")
    training.step()
    names = training.data.input_names, training.data.output_names
    lines = iteration_lines(training.log, 0, *names, frozen=training.frozen)
    assert "w[toes] = 0.1 (frozen)" in [line.text for line in lines]
    training = preset_training("multi-in-out")
    training.step()
    lines = iteration_lines(training.log, 0, training.data.input_names, training.data.output_names)
    texts = [line.text for line in lines]
    assert "pred[win] = 8.5×0.1 + 0.65×0.2 + 1.2×0 = 0.98" in texts
    assert "w[wlrec→sad] = 1.3 − 0.01 × 0.56225 = 1.2943775" in texts
    assert {(line.output, line.input) for line in lines if line.text.startswith("w[toes→hurt]")} == {(0, 0)}


def test_update_as_printed_reproduces_the_books_erratum():
    training = preset_training("multi-in-out", alpha=0.1)
    training.set_as_printed(True)
    training.step()
    np.testing.assert_allclose(training.weights, [[-0.28675, 0.117, -1.03525], [0.070425, 0.2013, -0.056225],
                                                  [-0.0546, 1.3024, -0.0038]], atol=1e-9)


def test_update_as_printed_makes_the_error_grow_where_the_right_one_shrinks_it():
    right = preset_training("multi-in-out", mode="cycle")
    printed = preset_training("multi-in-out", mode="cycle")
    printed.set_as_printed(True)
    right.run(400)
    result = printed.run(400)
    first = right.log.error_total[:4].sum()
    assert right.log.error_total[-4:].sum() < first
    assert result.divergence is not None or printed.log.error_total[-4:].sum() > first


def test_update_as_printed_needs_a_square_network():
    with pytest.raises(ValueError, match="square"):
        preset_training("multi-in").set_as_printed(True)


def test_a_difference_is_written_with_the_digits_chosen_and_reads_true():
    """pred keeps the digits it has on its own line (0.99061772, not 0.9906177228125002): each
    number written stands for itself to the precision shown, so 0.99061772 − 1 ≈ −0.0093822772
    holds (≈: pred has more digits than shown); with every digit, the decimal the operands give
    is said where the float differs."""
    training = preset_training("multi-in")
    training.run(3)
    names = training.data.input_names, training.data.output_names
    eight = [line.text for line in iteration_lines(training.log, 2, *names, digits=8)]
    assert eight[:2] == ["pred = 8.5×0.11498061 + 0.65×0.20114558 + 1.2×(−0.09788509) ≈ 0.99061772",
                         "delta = 0.99061772 − 1 ≈ −0.0093822772"]  # ≈: the operands have more digits
    every = [line.text for line in iteration_lines(training.log, 2, *names, digits=None)]
    assert every[1] == ("delta = 0.9906177228125002 − 1 = −0.009382277187499843  "
                        "(≈ −0.0093822771874998 in decimal: binary rounding)")
