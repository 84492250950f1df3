"""Issue 21, point 6: big data sets (up to 100,000 examples, 1,024 inputs, 64 outputs)."""

from __future__ import annotations

import numpy as np
import pytest

import gdviz.core.stability as stability
from gdviz.core.data_import import DataImportError, load_data
from gdviz.core.dataset import DataSet


@pytest.mark.parametrize("mode", ["example", "cycle", "batch"])
def test_a_big_data_set_gets_the_same_bound_remembered_by_identity(monkeypatch, mode):
    """Checked by breaking it: a cache that ignores which data set it holds gives the first data
    set's bound for the second (fails in every mode)."""
    rng = np.random.default_rng(3)
    data = DataSet(tuple(f"x{k}" for k in range(40)), ("y",), rng.uniform(0, 1, (2000, 40)), np.zeros((2000, 1)))
    frozen = np.zeros((1, 40), dtype=bool)
    frozen[0, 3] = True
    assert data.inputs.size > stability.BIG_INPUTS
    big = [stability.stable_alpha(data, mode, 5, frozen), stability.stable_alpha(data, mode, 5, frozen)]
    monkeypatch.setattr(stability, "BIG_INPUTS", 10**9)
    small = stability.stable_alpha(data, mode, 5, frozen)
    assert big == [small, small]
    other = DataSet(data.input_names, ("y",), data.inputs * 2, np.zeros((2000, 1)))
    monkeypatch.setattr(stability, "BIG_INPUTS", 0)
    assert stability.stable_alpha(other, mode, 5, frozen) == small / 4


def test_100_000_examples_are_fine_and_one_more_is_refused():
    rows = "".join(f"{k % 7},{k % 3}\n" for k in range(100_000))
    data = load_data("x,y\n" + rows, ["x"], ["y"]).data
    assert data.n_examples == 100_000 and data.inputs[-1, 0] == 99_999 % 7
    with pytest.raises(DataImportError, match="row 100,002: the file has 100,001 data rows|row 100002"):
        load_data("x,y\n" + rows + "1,2\n", ["x"], ["y"])


def test_1024_inputs_and_64_classes():
    header = ",".join([*(f"p{k}" for k in range(1024)), "label"])
    rows = "".join(",".join([*(str((r * k) % 5) for k in range(1024)), f"c{r % 64}"]) + "\n" for r in range(128))
    data = load_data(header + "\n" + rows, [f"p{k}" for k in range(1024)], one_hot="label").data
    assert (data.n_inputs, data.n_outputs, data.n_examples) == (1024, 64, 128)
    assert data.inputs[3, 1023] == (3 * 1023) % 5


def test_the_window_takes_a_big_data_set_in_its_big_forms(window, qtbot):
    """A 300 × 40 data set with 10 classes: the data table's columns get fixed sizes (fitting
    each column to its cells asked the model for every cell: 64 s for 6,000 × 50), the Shape
    fields (1 to 32) step aside, the bowls show the first 32 weights of one output."""
    from conftest import shown, sync
    from PySide6.QtWidgets import QHeaderView

    from gdviz.ui.bowls_view import MAX_PAGE

    rng = np.random.default_rng(8)
    data = DataSet(tuple(f"p{k}" for k in range(40)), tuple(f"c{k}" for k in range(10)),
                   rng.integers(0, 256, (300, 40)), np.eye(10)[rng.integers(0, 10, 300)])
    window.controller.load_data(data, "digits.csv")
    sync(qtbot, window)
    controls = window.controls
    assert controls.data_model.rowCount() == 300 and controls.data_model.columnCount() == 50
    assert controls.data_view.horizontalHeader().sectionResizeMode(0) == QHeaderView.ResizeMode.Interactive
    assert not controls.inputs_field.isEnabled() and "40 inputs" in controls.inputs_field.toolTip()
    bowls = window.views.bowls
    assert bowls.plots == {}  # the bowls are made when their tab is first shown, not on taking the data in
    window.views.tabs.setCurrentWidget(bowls)
    shown(qtbot)
    assert len(bowls.plots) == MAX_PAGE == 32 and "first 32 of its 40 weights" in bowls.caption.text()
    window.controller.undo_stack.undo()
    sync(qtbot, window)
    assert controls.inputs_field.isEnabled()
    assert controls.data_view.horizontalHeader().sectionResizeMode(0) == QHeaderView.ResizeMode.ResizeToContents
