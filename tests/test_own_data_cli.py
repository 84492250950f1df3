"""Issue 21, point 3: ``gdviz train --data FILE`` trains on a learner's own CSV, and
``gdviz --data FILE`` opens the window on it."""

from __future__ import annotations

import csv
import subprocess
import sys

import numpy as np
import pytest
from test_exactness import book_run

from gdviz.cli import main

INPUTS = [f"x{k}" for k in range(1, 10)]  # nine inputs: more than numpy's sum adds in order
ROWS = [  # x1…x9 and a class; example 0 has |x|² = 9, so alpha defaults to round_down(1/9) = 0.1
    ["1", "2", "2", "0", "0", "0", "0", "0", "0", "setosa"],
    ["0.5", "0.25", "0.1", "0.3", "0.7", "0.9", "0.11", "0.13", "0.17", "virginica"],
    ["0.2", "0.4", "0.6", "0.8", "0.1", "0.3", "0.5", "0.7", "0.9", "setosa"],
    ["0.9", "0.1", "0.35", "0.65", "0.05", "0.45", "0.55", "0.15", "0.25", "versicolor"],
    ["0.33", "0.66", "0.99", "0.12", "0.24", "0.48", "0.96", "0.01", "0.02", "virginica"],
]
CLASSES = ["setosa", "virginica", "versicolor"]  # in the order they first appear


def write_file(path):
    with open(path, "w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["x1", "x2", "species", *INPUTS[2:]])  # the class column among the inputs
        for row in ROWS:
            writer.writerow([*row[:2], row[9], *row[2:9]])
    return path


def plain_table():
    """The file's numbers read by hand, and the classes one-hot: the oracle's own reading."""
    inputs = [[float(v) for v in row[:9]] for row in ROWS]
    targets = [[1.0 if row[9] == name else 0.0 for name in CLASSES] for row in ROWS]
    return inputs, targets


def read_log(path):
    with open(path, newline="") as file:
        rows = list(csv.reader(file))
    return rows[0], rows[1:]


def expected_header():
    edges = [f"{i}->{o}" for o in CLASSES for i in INPUTS]
    return ["iteration", "example", "alpha", *(f"in:{i}" for i in INPUTS),
            *(f"{kind}:{o}" for kind in ("target", "pred", "delta", "error") for o in CLASSES),
            "error_total", *(f"w:{e}" for e in edges), *(f"wd:{e}" for e in edges), "as_printed"]


@pytest.mark.parametrize("mode, alpha, iterations", [
    ("example", None, 25), ("cycle", "0.05", 40), ("batch", "0.2", 30),
])
def test_train_on_a_file_with_a_class_column_equals_a_plain_python_loop(tmp_path, capsys, mode, alpha,
                                                                         iterations):
    """Checked by breaking it: outputs numbered in sorted order (fails the header), a sum with
    numpy's pairwise order (fails the bits), weights starting at 0.1 (fails the first row)."""
    data, log = write_file(tmp_path / "iris.csv"), tmp_path / "log.csv"
    args = ["train", "--data", str(data), "--inputs", ",".join(INPUTS), "--one-hot", "species",
            "--mode", mode, "--iterations", str(iterations), "--csv", str(log)]
    assert main(args + (["--alpha", alpha] if alpha else [])) == 0
    err = capsys.readouterr().err
    used = float(alpha) if alpha else 0.1
    if alpha is None:
        assert "gdviz: alpha 0.1: half the largest stable alpha for this data in example mode" in err
    else:
        assert "half the largest stable alpha" not in err
    header, rows = read_log(log)
    assert header == expected_header()
    inputs, targets = plain_table()
    records, _ = book_run(inputs, targets, [[0.0] * 9 for _ in CLASSES], used, mode, 0,
                          [[False] * 9 for _ in CLASSES], False, iterations)
    assert len(rows) == len(records) == iterations
    for number, (row, record) in enumerate(zip(rows, records), start=1):
        numbers = [record["alpha"], *record["inputs"], *record["targets"], *record["pred"], *record["delta"],
                   *record["error"], record["error_total"], *sum(record["weights"], []),
                   *sum(record["weight_deltas"], [])]
        assert row[0] == str(number)
        assert row[1] == ("" if record["example"] == -1 else str(record["example"]))
        assert np.array([float(v) for v in row[2:-1]]).view(np.uint64).tolist() == \
            np.array(numbers, dtype=np.float64).view(np.uint64).tolist(), f"iteration {number}"
    if mode != "batch":  # (batch mode logs the mean target)
        assert rows[0][12:15] == ["1.0", "0.0", "0.0"]  # example 0 is a setosa


def test_targets_columns_instead_of_classes(tmp_path, capsys):
    path = tmp_path / "d.csv"
    path.write_text("toes;wlrec;win\n8,5;0,65;1\n9,5;0,8;1\n")
    log = tmp_path / "log.csv"
    assert main(["train", "--data", str(path), "--inputs", "toes,wlrec", "--targets", "win",
                 "--iterations", "2", "--alpha", "0.01", "--csv", str(log)]) == 0
    header, rows = read_log(log)
    assert header[:6] == ["iteration", "example", "alpha", "in:toes", "in:wlrec", "target:win"]
    assert rows[0][3:6] == ["8.5", "0.65", "1.0"]
    assert rows[0][header.index("pred:win")] == "0.0"  # the weights start at 0
    assert rows[1][header.index("w:toes->win")] == repr(0.0 - 0.01 * ((0.0 - 1.0) * 8.5))


def run(*args):
    return subprocess.run([sys.executable, "-m", "gdviz", *args], capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("args, message", [
    (["--inputs", "x1,nope", "--one-hot", "species"], "no column named 'nope'"),
    (["--inputs", "x1", "--one-hot", "colour"], "no column named 'colour'"),
    (["--inputs", "x1", "--targets", "x2,nope"], "no column named 'nope'"),
    (["--one-hot", "species"], "--inputs"),
    (["--inputs", "x1"], "--targets"),
])
def test_a_missing_column_exits_2_with_one_line(tmp_path, args, message):
    data = write_file(tmp_path / "iris.csv")
    result = run("train", "--data", str(data), *args, "--iterations", "1")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and message in result.stderr


def test_a_bad_cell_exits_2_naming_row_and_column(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("a,b\n1,2\n3,x\n")
    result = run("train", "--data", str(path), "--inputs", "a", "--targets", "b", "--iterations", "1")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "row 3, column 'b': 'x' is not a number" in result.stderr


def test_the_window_refuses_a_missing_column_before_opening(tmp_path):
    data = write_file(tmp_path / "iris.csv")
    result = run("--data", str(data), "--inputs", "x1", "--targets", "nope")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "no column named 'nope'" in result.stderr


def test_gdviz_data_opens_the_window_on_the_file(tmp_path, window, qtbot):
    """What ``gdviz --data FILE --inputs … --one-hot …`` does once its window is made."""
    from conftest import sync
    from PySide6.QtCore import Qt

    from gdviz.core.presets import data_training, default_alpha
    from gdviz.ui.app import _data_from

    data = write_file(tmp_path / "iris.csv")
    imported, path = _data_from(["--data", str(data), "--inputs", ",".join(INPUTS), "--one-hot", "species"])
    window.controller.load_data(imported.data, "iris.csv")
    sync(qtbot, window)
    state = window.controller.state
    assert state.data.output_names == tuple(CLASSES)
    assert state.weights.tolist() == [[0.0] * 9] * 3
    # data with classes opens in cycle mode (example mode would learn row 0 and call it done), its
    # alpha half that mode's bound (0.3; in example mode it would be 0.1)
    assert state.mode == "cycle" and window.controls.mode_box.currentText() == "cycle"
    assert state.alpha == default_alpha(data_training(imported.data, "cycle")) == 0.3
    model = window.controls.data_model
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers == [*INPUTS, *(f"→ {c}" for c in CLASSES)]
    window.controller.undo_stack.undo()
    sync(qtbot, window)
    assert window.controller.state.preset == "multi-in-out"


def test_data_with_classes_trains_in_cycle_mode_unless_told_and_the_summary_says_so(tmp_path, capsys):
    """Without --mode, --one-hot data trains each example in turn (example mode would learn row 0
    only and report a total error of 0); the summary names the mode. Checked against the old
    default (example: fails the mode in the summary)."""
    data = write_file(tmp_path / "iris.csv")
    base = ["train", "--data", str(data), "--iterations", "10"]
    assert main([*base, "--inputs", ",".join(INPUTS), "--one-hot", "species"]) == 0
    err = capsys.readouterr().err
    assert "gdviz: 10 iterations of iris.csv in cycle mode, final total error" in err
    assert "half the largest stable alpha for this data in cycle mode" in err
    assert main([*base, "--inputs", ",".join(INPUTS[1:]), "--targets", "x1"]) == 0
    assert "gdviz: 10 iterations of iris.csv, final total error" in capsys.readouterr().err  # example mode
