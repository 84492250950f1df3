"""One window that agrees with itself (issue 19, point 9): one precision rule (View → Digits) for
the diagram, the tables and the arithmetic; every view says which moment it shows; the phase glow
has its own colour; the diagram, the tables and the arithmetic draw infinite, NaN and 1e300
numbers without raising. Each test reads what the user sees: the diagram's label texts as drawn,
the table models' DisplayRole, the arithmetic panel's text."""

import re

import numpy as np
import pytest
from conftest import sync
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QApplication, QTableView

from gdviz.core import DataSet, Training
from gdviz.core.moment import next_iteration
from gdviz.core.state import state_of
from gdviz.ui import network_view, style
from gdviz.ui.guard import faults
from gdviz.ui.table_models import DataTableModel

DISPLAY = Qt.ItemDataRole.DisplayRole
SETTINGS = {4: "4", 8: "8", None: "every"}


def written(value: float, digits) -> str:
    """How the window is to write ``value`` (this test's own spelling of the rule)."""
    text = repr(value) if digits is None else f"{value:.{digits}g}"
    if digits is None and text.endswith(".0"):
        text = text[:-2]
    return text.replace("-", "−")


def step(qtbot, window, times):
    for _ in range(times):
        window.step()
    sync(qtbot, window)


def cells(model):
    return [[model.data(model.index(r, c), DISPLAY) for c in range(model.columnCount())]
            for r in range(model.rowCount())]


def result_of(line: str) -> str:
    """The written right side of an arithmetic line (after its last = or ≈, its notes left off)."""
    return re.split(" [=≈] ", line)[-1].split("  (")[0]


@pytest.mark.parametrize("digits", [4, 8, None])
def test_at_multi_in_iteration_3_every_view_writes_pred_with_the_same_digits(window, qtbot, digits):
    """Issue 19: at ``multi-in`` iteration 3 the diagram said 0.9906, the arithmetic's pred line
    0.99061772 and its delta line 0.9906177228125002, the weights table 7 digits. Now, under each
    Digits setting picked from the View menu, the diagram's drawn label, the arithmetic's pred and
    delta lines, the weights table, the arithmetic's new weights, the data table and the status
    bar's total error all write with the same digits, and the choice is remembered. Checked
    against broken builds: the diagram keeping its own 4 digits (``value_text`` with ``.4g``)
    failed at 8 and every; the delta's minuend written with every digit (the old
    ``difference``) failed at 4 and 8."""
    window.controller.load_preset("multi-in")
    sync(qtbot, window)
    window.actions.digits[digits].trigger()  # View → Digits, as the learner picks it
    step(qtbot, window, 3)
    log, state = window.controller.log, window.controller.state
    pred = float(log.pred[2][0])
    assert pred in (0.9906177228125002, 0.9906177228124999)  # the book's third pred (or its last bit)
    expected = written(pred, digits)

    drawn = window.views.network_view.drawn_labels()[("outputs", 0)]
    assert drawn == f"win  {expected} / 1"  # as drawn: nothing elided

    lines = window.tables.arithmetic.text.toPlainText().splitlines()
    assert lines[0].startswith("pred = ") and result_of(lines[0]) == expected
    assert re.match(f"delta = {expected} − 1 [=≈] ", lines[1]), lines[1]

    table = cells(window.tables.weight_model)
    assert table == [[written(float(w), digits) for w in state.weights[0]]]
    new_weights = {line.split(" = ")[0]: result_of(line) for line in lines if line.startswith("w[")}
    assert [new_weights[f"w[{name}]"] for name in ("toes", "wlrec", "nfans")] == table[0]  # same texts

    data = window.controls.data_model
    for row in range(data.rowCount()):
        for column in range(data.columnCount()):
            values = state.data.inputs if column < 3 else state.data.targets
            assert data.data(data.index(row, column), DISPLAY) == written(float(values[row, column % 3]), digits)

    assert window.status.error_label.text() == f"Total error {written(float(log.error_total[2]), digits)}"

    assert window.settings.value("view/digits") == SETTINGS[digits]
    assert [d for d, action in window.actions.digits.items() if action.isChecked()] == [digits]


def test_digits_are_remembered_for_the_next_window(make_window, qtbot):
    first = make_window("multi-in")
    first.actions.digits[4].trigger()
    first.close()
    second = make_window("multi-in")
    step(qtbot, second, 1)
    assert second.actions.digits[4].isChecked()
    assert second.views.network_view.drawn_labels()[("outputs", 0)] == "win  0.86 / 1"
    assert cells(second.tables.weight_model) == [["0.1119", "0.2009", "−0.09832"]]


@pytest.mark.parametrize("digits", [8, None])
def test_at_1024_by_640_the_weights_table_keeps_the_digits_and_scrolls(window, qtbot, digits):
    """The table used to drop to 3 digits on a small screen; now every cell keeps the chosen
    digits, whole in its column, and the table scrolls sideways for the rest. Checked against a
    broken build (``fit`` cutting the model to 3 digits when narrow, as before): failed."""
    window.resize(1024, 640)
    window.actions.digits[digits].trigger()
    window.controller.load_shape(4, 3)
    sync(qtbot, window)
    step(qtbot, window, 2)
    view, model = window.tables.weight_view, window.tables.weight_model
    QApplication.processEvents()
    metrics = view.fontMetrics()
    weights = window.controller.state.weights
    for row in range(model.rowCount()):
        for column in range(model.columnCount()):
            text = model.data(model.index(row, column), DISPLAY)
            assert text == written(float(weights[row, column]), digits)
            assert metrics.horizontalAdvance(text) < view.horizontalHeader().sectionSize(column), text
    total = sum(view.horizontalHeader().sectionSize(c) for c in range(model.columnCount()))
    assert total <= view.viewport().width() or view.horizontalScrollBar().maximum() > 0


def test_on_single_each_view_says_which_moment_it_shows(window, qtbot):
    """On ``single`` at iteration 1 the diagram showed pred 0.85 beside the weight 0.11275 (8.5 ×
    0.11275 ≠ 0.85) and nothing said that one is iteration 1's prediction and the other the weight
    after it. Checked against a broken build (the window not passing the moment to the diagram):
    the headers read "pred / target" and nothing, and this failed."""
    window.controller.load_preset("single")
    sync(qtbot, window)
    diagram = window.views.network_view
    headers = [text for _, _, text in diagram.headers()]
    assert headers == ["initial weights (iteration 0)", "pred of iteration 1 / target"]  # the next Step's
    assert window.tables.moment_caption.text() == "Initial weights (iteration 0)"
    step(qtbot, window, 1)
    headers = [text for _, _, text in diagram.headers()]
    assert headers == ["weights after iteration 1", "pred of iteration 1 / target"]
    assert diagram.drawn_labels()[("outputs", 0)] == "win  0.85 / 1"
    assert diagram.weights.tolist() == [[0.11275]]
    assert diagram.edge_tooltip(0, 0).splitlines()[:3] == ["toes→win", "weight after iteration 1: 0.11275",
                                                           "weight_delta −1.2749999999999992"]  # hover: every digit
    assert window.tables.moment_caption.text() == "Weights after iteration 1"
    window.tables.tabs.setCurrentWidget(window.tables.delta_view)
    assert window.tables.moment_caption.text() == "Weight deltas of iteration 1"
    assert window.tables.arithmetic.title.text().startswith("Iteration 1")
    window.controller.show_iteration(0)  # back in time: every view says so
    sync(qtbot, window)
    assert [text for _, _, text in diagram.headers()][0] == "initial weights (iteration 0)"
    assert window.tables.moment_caption.text() == "Weight deltas: none yet (iteration 0)"


# -- the phase glow ---------------------------------------------------------------------------------
def cielab(colour):
    """A QColor in CIELAB (D65): distances there are roughly what an eye sees."""
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
              for c in (colour.redF(), colour.greenF(), colour.blueF())]
    x = (0.4124 * linear[0] + 0.3576 * linear[1] + 0.1805 * linear[2]) / 0.95047
    y = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    z = (0.0193 * linear[0] + 0.1192 * linear[1] + 0.9505 * linear[2]) / 1.08883
    f = [t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116 for t in (x, y, z)]
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def distance(a, b) -> float:
    return float(np.linalg.norm(cielab(a) - cielab(b)))


def hue_apart(a, b) -> float:
    """How far apart two colours' hues are, in degrees of CIELAB's hue angle (0 to 180)."""
    (_, a1, b1), (_, a2, b2) = cielab(a), cielab(b)
    apart = abs(np.degrees(np.arctan2(b1, a1)) - np.degrees(np.arctan2(b2, a2))) % 360
    return float(min(apart, 360 - apart))


@pytest.mark.parametrize("theme", ["Light", "Dark"])
def test_the_phase_glow_has_its_own_colour_in_both_themes(window, qtbot, theme):
    """The glow was the amber of negative edges (orange). Now, as seen on the theme's background,
    it is at least ΔE 30 from both edge colours and of another hue (60° apart on CIELAB's hue
    circle: green, against blue and orange). Checked against the old colour (``PHASE`` set to the
    amber 250, 204, 21, 150): its hue is 44° from the negative edges' in the light theme, 31° in
    the dark one, and this failed (ΔE alone let it pass: amber is lighter than orange)."""
    window.apply_theme(theme)
    QApplication.processEvents()
    palette = window.views.network_view.palette()
    assert style.is_dark(palette) == (theme == "Dark")
    glow = style.blend(style.phase_colour(palette), palette.base().color())
    for value in (1.0, -1.0):
        edge = style.sign_colour(value, palette)
        assert distance(glow, edge) >= 30 and hue_apart(glow, edge) >= 60, (value, hue_apart(glow, edge))


@pytest.mark.parametrize("theme", ["Light", "Dark"])
def test_a_frozen_edge_stays_dashed_under_the_phase_glow(window, qtbot, theme):
    """Step by phase on ``multi-in`` with nfans→win (negative) frozen: along the middle of that
    edge the pixels still alternate between the edge's colour and the background (the dashes'
    gaps), and the glow's colour is beside the edge. Checked against the old glow (a band under
    the edge, 7 px wider): the gaps took the glow's colour and this failed."""
    window.apply_theme(theme)
    window.controller.load_preset("multi-in")
    sync(qtbot, window)
    window.controller.set_frozen(0, 2, True)
    sync(qtbot, window)
    window.controls.phase_box.setChecked(True)
    window.step()  # predict: every edge glows
    sync(qtbot, window)
    diagram = window.views.network_view
    assert diagram.phase == "predict" and diagram.frozen[0, 2]
    image = diagram.grab().toImage()
    palette = diagram.palette()
    edge, base = style.sign_colour(-1.0, palette), palette.base().color()
    glow = style.blend(style.phase_colour(palette), base)
    inputs, outputs, _, _ = diagram._layout()
    start, end = inputs[2], outputs[0]
    kinds = []
    for t in np.linspace(0.2, 0.6, 200):
        point = start + (end - start) * float(t)
        colour = image.pixelColor(int(point.x()), int(point.y()))
        kinds.append("edge" if distance(colour, edge) < 12 else "gap" if distance(colour, base) < 12 else "other")
    runs = [k for k, previous in zip(kinds, [None] + kinds) if k != previous and k != "other"]
    assert runs.count("edge") >= 3 and runs.count("gap") >= 3, kinds
    width = float(diagram.edge_widths()[0, 2])
    middle = start + (end - start) * 0.4
    length = np.hypot(end.x() - start.x(), end.y() - start.y())
    side = QPointF(-(end.y() - start.y()) / length, (end.x() - start.x()) / length) * (width / 2 + 2.5)
    beside = [image.pixelColor(int(p.x()), int(p.y())) for p in (middle + side, middle - side)]
    assert all(distance(colour, glow) < 20 for colour in beside), [c.name() for c in beside]


# -- numbers too large to draw ---------------------------------------------------------------------
def test_the_diagram_tables_and_arithmetic_draw_inf_nan_and_1e300_without_raising(window, qtbot):
    """The diagram, both tables, the data table and the arithmetic are given infinite, NaN and
    1e300 weights, preds and data: they draw (a grab of each) with edges no thicker than the
    thickest, write them (∞, NaN, 1e+300), the arithmetic says "overflow", and no fault reaches
    the window. Checked against broken builds: ``edge_widths`` without its clipping (an infinite
    width) failed on the widths; ``edge_widths`` raising on a weight that is not finite was caught
    by the guard, announced, and failed on the faults."""
    caught = []
    faults.happened.connect(caught.append)
    diagram = window.views.network_view
    weights = np.array([[np.inf, np.nan, 1e300], [-np.inf, -1e300, 0.5], [1e-300, 2.0, -3.0]])
    diagram.set_state(weights, weights, np.eye(3, dtype=bool), [np.nan, np.inf, 1e300], [np.inf, np.nan, -1e300],
                      [1e300, -np.inf, 0.0], pred_of=4, weights_after=4)
    diagram.set_phase("predict")
    assert not diagram.grab().isNull()
    widths = diagram.edge_widths()
    assert np.isfinite(widths).all() and widths.max() <= network_view.THICKEST
    assert diagram.legend_note() == "weights too large to draw (∞ or NaN): drawn thickest"
    labels = diagram.drawn_labels()
    assert labels[("outputs", 0)].startswith("hurt  ∞ / 1e+300") or "…" in labels[("outputs", 0)]
    diagram.set_phase(None)
    tables = window.tables
    tables.show_matrices(weights, weights, np.zeros((3, 3), bool), 4)
    assert cells(tables.weight_model)[0] == ["∞", "NaN", "1e+300"]
    assert cells(tables.delta_model)[0] == ["∞", "–", "1e+300"]  # a weight_delta not worked out
    for view in (tables.weight_view, tables.delta_view):
        tables.tabs.setCurrentWidget(view)
        assert not tables.grab().isNull()
    data = DataSet(input_names=("a", "b"), output_names=("y",), inputs=[[1e100, -1e100]], targets=[[1e100]])
    training = Training(data, [[1e300, 1e300]], 0.01)
    with np.errstate(all="ignore"):
        preview = next_iteration(state_of(training))  # kept although it overflows, as the window shows it
    tables.arithmetic.set_names(data.input_names, data.output_names)
    tables.arithmetic.show_row(preview, 0, training.frozen, iteration=1, upcoming=True)
    text = tables.arithmetic.text.toPlainText()
    assert "overflow: too large for a float" in text, text
    assert not tables.arithmetic.grab().isNull()
    model = DataTableModel(data)
    model.set_digits(8)
    table = QTableView()
    table.setModel(model)
    assert [model.data(model.index(0, c), DISPLAY) for c in range(3)] == ["1e+100", "−1e+100", "1e+100"]
    assert not table.grab().isNull()
    assert not window.grab().isNull()
    faults.happened.disconnect(caught.append)
    assert caught == []
