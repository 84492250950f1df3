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


def test_a_784_input_data_set_is_taken_in_without_asking_every_cell(window, qtbot, monkeypatch):
    """2,000 examples × 784 inputs, 10 one-hot outputs (MNIST's width): the weights table is a
    colour matrix whose cells were never asked their size (sizing its 10 rows to their contents
    asked for every role of all 7,840 cells: 0.23 s of the 1.0 s the window stalled at 60,000
    rows); the data table reports every example through its model; the old bowls were not built
    on the way out; the arithmetic writes its 1,571 lines once the window has drawn the rest; the
    surface lists all 7,840 weights through a model, and makes its plot only when its tab is shown.

    Checked by breaking it: with the weights table's rows sized to contents again (the header's
    ResizeToContents set after its visibility, or resizeRowsToContents on a colour matrix) the
    first assertion counts 7,840 size questions; with the old tabs removed front first the old
    bowls have their 9 plots; with the arithmetic's deferred lines never written it waits in
    vain; with the surface's plot made in its constructor ``_parts`` is set."""
    from conftest import shown, sync
    from PySide6.QtCore import Qt

    from gdviz.ui.table_models import WeightTableModel

    rng = np.random.default_rng(21)
    names = tuple(f"p{k}" for k in range(784))
    classes = tuple(str(d) for d in range(10))
    data = DataSet(names, classes, rng.integers(0, 256, (2000, 784)) / 255, np.eye(10)[rng.integers(0, 10, 2000)])
    asked: list[int] = []
    real_data = WeightTableModel.data

    def counting(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.SizeHintRole:
            asked.append(index.row() * 784 + index.column())
        return real_data(self, index, role)

    monkeypatch.setattr(WeightTableModel, "data", counting)
    old_bowls = window.views.bowls
    window.controller.load_data(data, "mnist-like.csv")
    sync(qtbot, window)
    tables = window.tables
    assert tables.weight_view.matrix_mode() and tables.matrix_caption.isVisible()
    weights = tables.weight_model
    assert weights is not None and (weights.rowCount(), weights.columnCount()) == (10, 784)
    assert weights.data(weights.index(9, 783)) == ""  # a colour: its number is in the tooltip
    assert "p783→9" in weights.data(weights.index(9, 783), Qt.ItemDataRole.ToolTipRole)
    assert asked == []
    model, view = window.controls.data_model, window.controls.data_view
    assert (model.rowCount(), model.columnCount()) == (2000, 794)
    assert model.headerData(793, Qt.Orientation.Horizontal) == "→ 9"
    assert view.indexWidget(model.index(0, 0)) is None
    assert old_bowls.plots == {}
    arithmetic = tables.arithmetic  # 1,571 lines: written once the window has drawn the rest
    assert arithmetic.title.text() == "Next Step: iteration 1"
    qtbot.waitUntil(lambda: arithmetic.text.toPlainText().startswith("pred[0] = "))
    lines = arithmetic.text.toPlainText().splitlines()
    assert lines[0].count("×") == 784 and len(lines) == 3 + 2 * 784 and lines[-1].startswith("w[p783→0] = 0 − ")
    surface = window.views.surface
    assert surface.first_box.count() == 7840 and surface.second_box.itemText(7839) == "p783→9"
    assert surface.chosen() == ((0, 0), (0, 1)) and surface._parts is None
    window.views.tabs.setCurrentWidget(surface)
    shown(qtbot)
    assert surface._parts is not None and surface.plot.isVisible()
    x, y = surface.path_points()
    assert x.tolist() == [0.0] and y.tolist() == [0.0]  # the weights shown: all 0, nothing trained yet
