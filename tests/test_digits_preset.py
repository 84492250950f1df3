"""Issue 22, point 1 and 3: the ``digits`` preset (scikit-learn's 1,797 8×8 handwritten digits)
and how well a network classifies them (accuracy, confusion table), in core and in the CLI."""

from __future__ import annotations

import csv
import gzip
import hashlib

import numpy as np
import pytest
from test_exactness import book_run

from gdviz.cli import main
from gdviz.core.accuracy import accuracy, all_preds, target_classes
from gdviz.core.digits import FILE, digits_data, read_digits
from gdviz.core.presets import PRESETS, preset_training
from gdviz.core.resources import resource_path
from gdviz.core.stability import stable_alpha

SHA256 = "09f66e6debdee2cd2b5ae59e0d6abbb73fc2b0e0185d2e1957e9ebb51e23aa22"
"""scikit-learn 1.9.1's sklearn/datasets/data/digits.csv.gz."""


def test_the_bundled_file_is_scikit_learns_digits():
    """The checksum of scikit-learn's file, its known first image and its class counts."""
    raw = resource_path(FILE).read_bytes()
    assert hashlib.sha256(raw).hexdigest() == SHA256
    first = gzip.decompress(raw).decode("ascii").splitlines()[0]
    assert first.startswith("0,0,5,13,9,1,0,0,0,0,13,15,10,15,5,0,") and first.endswith(",0")
    pixels, labels = read_digits()
    assert pixels.shape == (1797, 64) and pixels.min() == 0 and pixels.max() == 16
    assert np.bincount(labels).tolist() == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]


def test_the_preset_is_the_pixels_over_16_and_one_hot_labels():
    data = PRESETS["digits"].data()
    assert data is digits_data()  # read once
    assert data.input_names[:3] == ("r0c0", "r0c1", "r0c2") and data.input_names[63] == "r7c7"
    assert data.output_names == tuple("0123456789") and data.one_hot == "digit"
    pixels, labels = read_digits()
    assert data.inputs.tolist() == (pixels / 16).tolist()
    assert data.inputs[0, 2] == 5 / 16 and data.inputs[0, 3] == 13 / 16 and data.inputs[1, 3] == 12 / 16
    assert data.targets.tolist() == np.eye(10)[labels].tolist()
    assert np.flatnonzero(np.all(data.inputs == 0, axis=0)).tolist() == [0, 32, 39]  # r0c0, r4c0, r4c7
    training = preset_training("digits")
    assert training.mode == "cycle" and not training.weights.any()
    assert 0 < training.alpha < stable_alpha(data, "cycle")


def test_gdviz_presets_lists_digits(capsys):
    assert main(["presets"]) == 0
    line = [line for line in capsys.readouterr().out.splitlines() if line.startswith("digits")]
    assert line and "64 in × 10 out" in line[0]


@pytest.mark.parametrize("mode, iterations", [("example", 4), ("cycle", 6), ("batch", 2)])
def test_train_preset_digits_equals_the_plain_python_loop(tmp_path, capsys, mode, iterations):
    """Batch mode over all 1,797 digits runs the compiled loops (more multiply-adds than
    COMPILED_FROM_WORK); the others numpy's. Checked by breaking it: pixels not divided by 16
    (fails the first row's inputs), the batch kernel summing examples in pairs (fails the bits)."""
    log = tmp_path / "digits.csv"
    assert main(["train", "--preset", "digits", "--mode", mode, "--iterations", str(iterations),
                 "--csv", str(log)]) == 0
    data = digits_data()
    records, _ = book_run(data.inputs.tolist(), data.targets.tolist(), [[0.0] * 64 for _ in range(10)], 0.01,
                          mode, 0, [[False] * 64 for _ in range(10)], False, iterations)
    with open(log, newline="") as file:
        rows = list(csv.reader(file))[1:]
    assert len(rows) == iterations
    for row, record in zip(rows, records, strict=True):
        numbers = [record["alpha"], *record["inputs"], *record["targets"], *record["pred"], *record["delta"],
                   *record["error"], record["error_total"], *sum(record["weights"], []),
                   *sum(record["weight_deltas"], [])]
        assert np.array([float(v) for v in row[2:-1]]).view(np.uint64).tolist() == \
            np.array(numbers, dtype=np.float64).view(np.uint64).tolist()
    assert "accuracy " in capsys.readouterr().err


def plain_accuracy(inputs, targets, weights):
    """The share by hand: each example's preds in the book's order; the largest names the class,
    and two or more sharing the largest (a tie, the last column) name none."""
    correct, confusion = 0, [[0] * (len(weights) + 1) for _ in weights]
    for x, t in zip(inputs, targets, strict=True):
        preds = []
        for row in weights:
            total = 0.0
            for value, weight in zip(x, row, strict=True):
                total += value * weight
            preds.append(total)
        guess = preds.index(max(preds)) if preds.count(max(preds)) == 1 else len(weights)
        truth = t.index(1.0)
        correct += guess == truth
        confusion[truth][guess] += 1
    return correct, confusion


def test_accuracy_and_confusion_equal_a_plain_count():
    """Checked by breaking it: numpy's matmul for the preds (same count here, but fails
    test_all_preds_are_the_books_sums), argmax over the targets' transposes (fails the table)."""
    data = digits_data()
    weights = np.random.default_rng(7).normal(0, 0.3, (10, 64))
    found = accuracy(data, weights)
    assert found is not None
    correct, confusion = plain_accuracy(data.inputs.tolist(), data.targets.tolist(), weights.tolist())
    assert (found.correct, found.examples) == (correct, 1797)
    assert found.confusion(10).tolist() == confusion
    assert found.text() == f"accuracy {100 * correct / 1797:.1f}% ({correct:,} of 1,797)"
    three_as_eight = found.examples_in(3, 8)
    assert len(three_as_eight) == confusion[3][8]
    assert all(data.targets[k, 3] == 1 and found.predicted[k] == 8 for k in three_as_eight)


def test_all_preds_are_the_books_sums():
    """Bit for bit the plain loop's sums (numpy's pairwise sum or BLAS would differ in the last bits)."""
    data = digits_data()
    weights = np.random.default_rng(3).normal(0, 0.3, (10, 64))
    preds = all_preds(weights, data.inputs[:50])
    for k in range(50):
        for o in range(10):
            total = 0.0
            for i in range(64):
                total += data.inputs[k, i] * weights[o, i]
            assert preds[k, o] == total


def test_an_untrained_network_classifies_nothing():
    """Every weight 0: every pred 0, a ten-way tie for every image, so none is right (not the
    178 zeros that "the first largest" would have counted)."""
    found = accuracy(digits_data(), np.zeros((10, 64)))
    assert found is not None and (found.correct, found.ties) == (0, 1797)
    assert found.text() == "accuracy 0.0% (0 of 1,797; 1,797 tied)"
    assert found.confusion(10)[:, 10].tolist() == np.bincount(read_digits()[1]).tolist()
    assert found.examples_in(0, -1).tolist() == np.flatnonzero(read_digits()[1] == 0).tolist()


def test_only_one_hot_targets_have_classes():
    assert target_classes(PRESETS["multi-in-out"].data()) is None  # targets 0.1, 0.2: not classes
    assert target_classes(PRESETS["single"].data()) is None  # one output
    assert accuracy(PRESETS["multi-out"].data(), np.zeros((3, 1))) is None


def test_train_summary_gives_the_accuracy(capsys):
    assert main(["train", "--preset", "digits", "--iterations", "1797"]) == 0
    err = capsys.readouterr().err
    training = preset_training("digits")
    training.run(1797)
    expected = accuracy(digits_data(), training.weights)
    assert expected is not None and expected.share > 0.8  # one cycle over the digits already learns
    assert f"gdviz: {expected.text()}: the examples whose largest pred is their target's class" in err


def test_a_batch_over_the_digits_runs_in_small_blocks():
    """The window's trainer looks at Pause between blocks: a batch over the 1,797 digits is 3
    iterations a block with the compiled loops (4,096 would be ~3 s), a 3×3 network's 4,096.
    Checked by breaking it: the block fixed at 4,096 (fails the first assertion)."""
    from gdviz.core import compiled
    from gdviz.core.engine import NUMPY_LOOPS
    from gdviz.ui.trainer import block_for

    digits = preset_training("digits", mode="batch")
    digits.loops = compiled.loops() or NUMPY_LOOPS
    assert block_for(digits) == (3 if digits.loops is not NUMPY_LOOPS else 1)
    digits.set_mode("cycle")
    assert block_for(digits) == (4096 if digits.loops is not NUMPY_LOOPS else 64)
    small = preset_training("multi-in-out", mode="batch")
    small.loops = NUMPY_LOOPS
    assert block_for(small) == 64


def test_the_window_opens_the_digits_in_cycle_mode_naming_rows_examples(qtbot, window):
    """The preset as a learner picks it: 64 → 10, cycle mode, alpha 0.01, every weight 0, and the
    data table's rows called examples (the book's presets call them games)."""
    from conftest import sync

    controls = window.controls
    assert controls.data_group.title() == "Data: one game per row"
    window.controller.load_preset("digits")
    sync(qtbot, window)
    state = window.controller.state
    assert (state.data.n_inputs, state.data.n_outputs, state.mode, state.alpha) == (64, 10, "cycle", 0.01)
    assert not state.weights.any()
    assert controls.mode_box.currentText() == "cycle" and controls.alpha_edit.text() == "0.01"
    assert controls.data_model.rowCount() == 1797
    assert controls.data_group.title() == "Data: one example per row"
    assert controls.example_label.text() == "Train on example"
    # every weight 0: the colour matrix's key says so, not "−0 … 0 … +0" (checked: fails without texts())
    assert window.tables.legend.texts() == ("", "every one 0", "")
    # the Shape fields show 64 (not their own largest, 32) and leave the columns to the data table
    assert (controls.inputs_field.value(), controls.outputs_field.value()) == (64, 10)
    assert not controls.inputs_field.isEnabled()
    window.controller.load_preset("multi-in-out")
    sync(qtbot, window)
    assert controls.inputs_field.value() == 3 and controls.inputs_field.maximum() == 32
    assert controls.inputs_field.isEnabled()


def test_a_cycle_bound_takes_no_bound_from_rows_too_small_to_square():
    """A row of 1e-200s squares to 0: it has no per-example bound, and it changes nothing (its
    factor is the identity). Found by hypothesis: the scan's end divided by that 0 and raised."""
    from gdviz.core.dataset import DataSet

    rows = [[1.0, 2.0], [0.5, 0.1], [0.3, -0.7]]
    plain = stable_alpha(DataSet(("a", "b"), ("y",), rows, [[0.0]] * 3), "cycle")
    tiny = stable_alpha(DataSet(("a", "b"), ("y",), [[1e-200, 0.0], *rows], [[0.0]] * 4), "cycle")
    assert tiny == plain and plain >= 2 / 5  # never below the largest example's own bound (‖x‖² = 5)
    assert stable_alpha(DataSet(("a",), ("y",), [[1e-200], [1e-201]], [[0.0], [0.0]]), "cycle") == float("inf")
