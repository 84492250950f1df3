"""Property-based tests of the engine and the CSV writer (hypothesis)."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from gdviz.core import DataSet, Training
from gdviz.core.csv_log import _format_rows, read_csv, write_csv

small = st.floats(-10, 10, allow_nan=False, allow_infinity=False)


@st.composite
def networks(draw, max_examples=4):
    n = draw(st.integers(1, 5))
    m = draw(st.integers(1, 5))
    k = draw(st.integers(1, max_examples))
    data = DataSet(
        tuple(f"x{i}" for i in range(n)),
        tuple(f"y{o}" for o in range(m)),
        draw(arrays(np.float64, (k, n), elements=small)),
        draw(arrays(np.float64, (k, m), elements=small)),
    )
    weights = draw(arrays(np.float64, (m, n), elements=small))
    frozen = draw(arrays(np.bool_, (m, n)))
    return data, weights, frozen


def summed_error(weights, x, t):
    return float(np.sum((weights @ x - t) ** 2))


@settings(max_examples=60, deadline=None)
@given(networks(), st.floats(1e-4, 0.5))
def test_update_is_alpha_times_half_the_numeric_gradient(network, alpha):
    data, weights, _ = network
    training = Training(data, weights, alpha, growth_limit=None)
    training.step()
    x, t = data.inputs[0], data.targets[0]
    gradient = np.zeros_like(weights)
    for index in np.ndindex(weights.shape):
        h = 1e-6 * max(1.0, abs(weights[index]))
        up, down = weights.copy(), weights.copy()
        up[index] += h
        down[index] -= h
        gradient[index] = (summed_error(up, x, t) - summed_error(down, x, t)) / (2 * h)
    scale = 1 + np.abs(gradient).max()
    np.testing.assert_allclose(weights - training.weights, alpha * 0.5 * gradient, atol=1e-5 * alpha * scale)
    np.testing.assert_allclose(training.log.weight_deltas[0], 0.5 * gradient, atol=1e-5 * scale)


@settings(max_examples=60, deadline=None)
@given(networks(), st.sampled_from(["example", "cycle", "batch"]), st.integers(1, 30))
def test_frozen_weights_never_move(network, mode, iterations):
    data, weights, frozen = network
    training = Training(data, weights, 1e-3, mode=mode, frozen=frozen)
    training.run(iterations)
    np.testing.assert_array_equal(training.weights[frozen], np.asarray(weights)[frozen])
    assert (training.log.weight_deltas[:, frozen] == 0).all()


@settings(max_examples=60, deadline=None)
@given(networks())
def test_batch_equals_the_mean_of_the_example_updates(network):
    data, weights, _ = network
    batch = Training(data, weights, 0.01, mode="batch")
    batch.step()
    updates = []
    for k in range(data.n_examples):
        single = Training(data, weights, 0.01, example=k)
        single.step()
        updates.append(single.weights - np.asarray(weights))
    np.testing.assert_allclose(batch.weights - np.asarray(weights), np.mean(updates, axis=0),
                               rtol=1e-9, atol=1e-12)


@settings(max_examples=40, deadline=None)
@given(network=networks(), alpha=st.floats(1e-6, 100.0),
       mode=st.sampled_from(["example", "cycle", "batch"]), iterations=st.integers(0, 300))
def test_training_stays_finite_or_reports_divergence_and_csv_round_trips(
        network, alpha, mode, iterations, tmp_path_factory):
    data, weights, frozen = network
    training = Training(data, weights, alpha, mode=mode, frozen=frozen)
    result = training.run(iterations)
    assert result.iterations == len(training.log)
    assert np.isfinite(training.log.error_total).all() and np.isfinite(training.weights).all()
    if result.iterations < iterations:
        assert result.divergence is not None
    path = tmp_path_factory.mktemp("csv") / "log.csv"
    write_csv(path, training.log, data.input_names, data.output_names)
    log, _, _ = read_csv(path)
    assert log.equals(training.log) or (len(log) == 0 and len(training.log) == 0)


@settings(max_examples=60, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(1, 40), st.integers(1, 12)),
              elements=st.sampled_from([0.0, -0.0, 0.1, 1e-310, -2.5e16, 3.0]) | st.floats(allow_nan=False)))
def test_each_csv_field_is_the_floats_repr_even_when_values_repeat(values):
    """Rows are written by formatting each distinct value once; the text is still every float's
    own ``repr`` (``-0.0`` and ``0.0`` compare equal but must stay apart)."""
    examples = np.arange(len(values)) % 3
    text = _format_rows(7, examples, values)
    expected = "".join(f"{7 + k},{k % 3}," + ",".join(repr(v) for v in row) + ",0\n"
                       for k, row in enumerate(values.tolist()))
    assert text == expected
