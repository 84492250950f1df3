"""The window copes with big networks at a laptop's 1366 × 768 (issue 22, point 4): the diagram at
8 × 8, 32 × 32 and 64 → 10, the colour matrix's names, the curves' legend on one line, the bowls
in whole pages, and a data table of 1,797 rows.

The tests screen is 1400 × 900 (conftest); each window here is sized as it would open on a
1366 × 768 screen (its available area, a title bar's height off) with the panes a first start
there gets.
"""

import pytest
from conftest import shown, sync
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QApplication

LAPTOP = (1366, 768 - 30)


def laptop_window(make_window, qtbot, shape=None, preset=None):
    """A window as it opens on a 1366 × 768 screen, on a fresh ``shape`` (inputs, outputs)."""
    window = make_window(preset)
    window.resize(*LAPTOP)
    window._default_splitter_sizes()  # noqa: SLF001 - the sizes a first start on that screen gets
    QApplication.processEvents()
    if shape is not None:
        window.controller.load_shape(*shape)
        sync(qtbot, window)
    shown(qtbot)
    return window


def points_to_pixels(view, points: float) -> float:
    return points * view.logicalDpiY() / 72


class TextPainter(QPainter):
    """A QPainter that writes down every text drawn, with its font's size in pixels."""

    record: list = []

    def drawText(self, *args):  # noqa: N802
        text = args[-1]
        font = self.font()
        pixels = font.pixelSize() if font.pixelSize() > 0 else points_to_pixels(self.device(), font.pointSizeF())
        if isinstance(text, str):
            TextPainter.record.append((text, pixels))
        super().drawText(*args)


def painted_texts(view, monkeypatch) -> list[tuple[str, float]]:
    from gdviz.ui import network_view

    monkeypatch.setattr(network_view, "QPainter", TextPainter)
    TextPainter.record = []
    assert not view.grab().isNull()
    monkeypatch.setattr(network_view, "QPainter", QPainter)
    return TextPainter.record


# -- the diagram ---------------------------------------------------------------------------------
def test_an_8_by_8_diagram_spreads_its_columns_and_writes_readable_labels(make_window, qtbot, monkeypatch):
    """At 8 × 8 the node columns are at least 100 px apart and every label is written at 12 px or
    more. Checked: fails against the old code (the tables' column left the diagram 313 px, its
    columns 80 px apart, its labels shrunk to 7.9 pt, 10.5 px)."""
    window = laptop_window(make_window, qtbot, (8, 8))
    view = window.views.network_view
    inputs, outputs, _radius, _metrics = view._layout()
    assert outputs[0].x() - inputs[0].x() >= 100
    labels = view.drawn_labels()
    assert len(labels) == 16  # every node's label
    texts = dict(painted_texts(view, monkeypatch))
    for text in labels.values():
        assert not text.startswith("…") and not text.endswith("…"), text  # whole
        assert texts[text] >= 12, text


@pytest.mark.parametrize(("shape", "note"), [((32, 32), "labels every 2nd node"),
                                             ((64, 10), "labels every 4th input")])
def test_a_big_diagram_writes_readable_labels_and_says_which_it_leaves_out(make_window, qtbot, monkeypatch,
                                                                           shape, note):
    """Every label drawn is 12 px or more, none overlap, and the legend names the nodes whose
    labels are left out (64 inputs at 768 px: every 4th; its 10 outputs: all). Checked: fails
    against the old code (6.5 pt, 8.7 px labels; a legend saying only "hover a node for its label")."""
    window = laptop_window(make_window, qtbot, shape)
    view = window.views.network_view
    inputs, outputs, _radius, metrics = view._layout()
    texts = painted_texts(view, monkeypatch)
    sizes = dict(texts)
    labels = view.drawn_labels()
    for text in labels.values():
        assert sizes[text] >= 12, text
    for side, points in (("inputs", inputs), ("outputs", outputs)):
        written = sorted(k for s, k in labels if s == side)
        centres = [points[k].y() for k in written]
        assert all(b - a >= metrics.height() for a, b in zip(centres, centres[1:])), side  # no overlap
    written_inputs = sorted(k for s, k in labels if s == "inputs")
    step = written_inputs[1] - written_inputs[0]
    assert written_inputs == list(range(0, shape[0], step))
    if shape == (64, 10):
        assert step == 4 and sorted(k for s, k in labels if s == "outputs") == list(range(10))
    legend = [(text, size) for text, size in texts if note in text]
    assert legend, [text for text, _ in texts]
    assert all(size >= 12 for _, size in legend)


def background_share(image, box: QRectF, background: QColor) -> float:
    """The share of the pixels inside ``box`` that are the background's colour."""
    rgb = background.rgb()
    count = total = 0
    for y in range(int(box.top()), int(box.bottom()), 2):
        for x in range(int(box.left()), int(box.right()), 2):
            total += 1
            count += image.pixel(x, y) == rgb
    return count / total


@pytest.mark.parametrize("shape", [(32, 32), (64, 10)])
def test_a_big_diagram_has_no_moire_between_its_columns(make_window, qtbot, shape):
    """Where the edges cross, in the middle third between the node columns, nearly no pixel is the
    background's: the gaps between hundreds of lines no longer line up into rows of white dots.
    Checked: fails against the old code (4.7 % of those pixels were background at 32 × 32 and at
    64 → 10)."""
    window = laptop_window(make_window, qtbot, shape)
    window.step()
    sync(qtbot, window)
    view = window.views.network_view
    inputs, outputs, _radius, _metrics = view._layout()
    image = view.grab().toImage()
    width = outputs[0].x() - inputs[0].x()
    box = QRectF(QPointF(inputs[0].x() + width / 3, inputs[0].y() + 10),
                 QPointF(outputs[0].x() - width / 3, inputs[-1].y() - 10))
    assert background_share(image, box, view.palette().window().color()) < 0.005


def test_a_big_diagram_of_weights_all_0_is_pale(make_window, qtbot):
    """The digits start with every weight 0: hairlines on a pale tone, not a slab of the positive
    colour; once trained, the edges between the columns are clearly stronger. Checked:
    fails against the tone mixed from the signs alone (the middle was the positive colour's)."""
    window = laptop_window(make_window, qtbot, preset="digits")
    view = window.views.network_view
    background = view.palette().window().color()

    def strength() -> float:
        inputs, outputs, _radius, _metrics = view._layout()
        image = view.grab().toImage()
        width = outputs[0].x() - inputs[0].x()
        x0, x1 = int(inputs[0].x() + width / 3), int(outputs[0].x() - width / 3)
        y0, y1 = int(inputs[0].y() + 10), int(inputs[-1].y() - 10)
        total = count = 0
        for y in range(y0, y1, 3):
            for x in range(x0, x1, 3):
                colour = image.pixelColor(x, y)
                total += max(abs(colour.redF() - background.redF()), abs(colour.greenF() - background.greenF()),
                             abs(colour.blueF() - background.blueF()))
                count += 1
        return total / count

    at_start = strength()
    assert at_start < 0.15
    window.controls.run_field.setValue(300)
    window.run_n()
    qtbot.waitUntil(lambda: window.controller.log.count == 300 and not window.controller.state.playing,
                    timeout=60000)
    sync(qtbot, window)
    assert strength() > 1.5 * at_start


def test_a_big_diagram_paints_again_without_measuring_its_names_or_making_its_lines_again(qtbot, monkeypatch):
    """784 → 10: a paint was ~56 ms, of which making its 7,840 ``QLineF`` (~15 ms) and measuring
    every name 5 to 7 times (~10 ms). Now the lines are made once for a layout and the label
    widths once for a font: a paint after new weights makes no line and measures a few texts
    only; the picture is the one a fresh diagram draws (after new weights, and after a resize).
    Checked by breaking it: against the code before, the second paint made 7,840 lines and measured
    ~4,000 texts; with the lines' key leaving out the outputs' ends, the resize listed no new
    ends (the old ones drawn)."""
    import numpy as np
    from PySide6.QtGui import QFontMetricsF

    from gdviz.ui import network_view

    counts = {"measured": 0}

    class CountingMetrics(QFontMetricsF):
        def horizontalAdvance(self, *args):  # noqa: N802
            counts["measured"] += 1
            return super().horizontalAdvance(*args)

    monkeypatch.setattr(network_view, "QFontMetricsF", CountingMetrics)
    rng = np.random.default_rng(9)
    inputs = rng.integers(0, 256, 784) / 255

    def diagram(weights, size):
        view = network_view.NetworkView([f"p{k}" for k in range(784)], [str(d) for d in range(10)])
        qtbot.addWidget(view)
        view.resize(*size)
        view.set_state(weights, np.zeros_like(weights), weights > 0.1, inputs, np.full(10, 0.25), np.eye(10)[3])
        return view

    first = rng.normal(0, 0.05, (10, 784))
    view = diagram(first, (568, 319))
    view.grab()
    then = rng.normal(0, 0.05, (10, 784))
    then[2] = 0.0
    view.set_state(then, np.zeros_like(then), then > 0.1, inputs, np.full(10, 0.25), np.eye(10)[3])
    counts.update(measured=0)
    lines = view._lines
    image = view.grab().toImage()
    assert view._lines is lines and counts["measured"] < 100  # the edges' ends listed once for the layout
    assert image == diagram(then, (568, 319)).grab().toImage()
    view.resize(700, 319)  # wider: the inputs' column stays where it was, the outputs' moves
    before = view._lines
    image = view.grab().toImage()
    after = view._lines  # listed again for the new layout, once
    view.grab()
    assert after is not before and after is not None and len(after[1]) == 2 * 7840 and view._lines is after
    assert image == diagram(then, (700, 319)).grab().toImage()


# -- the curves' legend --------------------------------------------------------------------------
@pytest.mark.parametrize("shape", [(64, 10), (8, 8)])
def test_ten_curves_fit_one_legend_line_beside_the_chooser(make_window, qtbot, shape):
    """With every output's curve drawn, the legend is one line, whole (its text no wider than the
    label), beside the Curves chooser; the outputs it has no room to name are counted ("+3") and
    named in its tooltip. Checked: fails against the old code (the chooser under the plot; at
    8 × 8 the legend wrapped onto a second line)."""
    from PySide6.QtGui import QTextDocument

    window = laptop_window(make_window, qtbot, shape)
    window.views.tabs.setCurrentWidget(window.views.curves_page)
    plot = window.views.error_plot
    plot.show_outputs(range(shape[1]))
    window.step()
    sync(qtbot, window)
    legend, chooser = plot.legend, plot.outputs_button
    line = legend.fontMetrics().height()
    assert legend.isVisible() and legend.height() < 2 * line
    document = QTextDocument()
    document.setDefaultFont(legend.font())
    document.setDocumentMargin(0)
    document.setHtml(legend.text())
    assert document.idealWidth() <= legend.contentsRect().width()
    assert document.toPlainText().count("\n") == 0
    assert abs(chooser.geometry().center().y() - legend.geometry().center().y()) < line  # one row
    assert chooser.isVisible() and chooser.geometry().left() >= legend.geometry().right()
    text = document.toPlainText()
    named = [name for name in window.controller.state.data.output_names if f"━{name}" in text.split()]
    more = len(window.controller.state.data.output_names) - len(named)
    assert "total" in text
    if more:
        assert f"+{more}" in text.split()
        assert all(name in legend.toolTip() for name in window.controller.state.data.output_names if name not in named)
    if shape == (64, 10):  # at 1366 px the ten are named
        assert more == 0


# -- the bowls -----------------------------------------------------------------------------------
@pytest.mark.parametrize("shape", [(64, 10), (8, 8)])
def test_the_bowls_come_in_pages_of_whole_bowls(make_window, qtbot, shape):
    """The bowls tab shows as many bowls as fit whole (none cut off at an edge, nothing to scroll),
    says which ("bowls 1–9 of 64 (output 0)"), and Next / Previous turn the pages. Checked: fails against
    the old code (a grid that scrolled down, its last row cut off; no pages)."""
    from PySide6.QtWidgets import QScrollArea

    window = laptop_window(make_window, qtbot, shape)
    window.views.tabs.setCurrentWidget(window.views.bowls)
    shown(qtbot)
    bowls = window.views.bowls
    total = shape[0] * shape[1]

    def whole() -> int:
        view = bowls.graphics.viewport().rect()
        for plot, *_rest in bowls.plots.values():
            assert view.contains(bowls.graphics.mapFromScene(plot.sceneBoundingRect()).boundingRect())
        assert bowls.graphics.verticalScrollBar().maximum() == bowls.graphics.horizontalScrollBar().maximum() == 0
        return len(bowls.plots)

    def same_weights():
        """Each bowl on the page is its own weight's: its title names it and its dot is at it (a
        page's plots are the last page's, given the new page's weights). Checked: with the
        reused plots not refreshed, a dot stayed at the last page's weight and this failed."""
        data, weights = window.controller.state.data, window.controller.state.weights
        for (o, i), (plot, _curve, _tangent, dot) in bowls.plots.items():
            assert plot.isVisible() and plot.titleLabel.text == f"{data.input_names[i]}→{data.output_names[o]}"
            assert dot.pos().x() == weights[o, i]

    assert not bowls.findChildren(QScrollArea)
    page = whole()
    assert page >= 4
    assert sorted(bowls.plots) == [(0, i) for i in range(page)]
    # counted within the output the caption names (review: "bowls 1–9 of 640" under "Output 0's
    # weights", which has 64; checked: the old count failed here)
    outputs = window.controller.state.data.output_names
    assert f"Output {outputs[0]}'s weights" in bowls.caption.text()
    assert bowls.page_label.text() == f"bowls 1–{page} of {shape[0]} (output {outputs[0]})"
    assert bowls.page_label.isVisible() and not bowls.previous_button.isEnabled()
    qtbot.mouseClick(bowls.next_button, Qt.MouseButton.LeftButton)
    assert whole() == page and sorted(bowls.plots) == [(0, i) for i in range(page, 2 * page)]
    assert bowls.page_label.text() == f"bowls {page + 1}–{2 * page} of {shape[0]} (output {outputs[0]})"
    same_weights()
    qtbot.mouseClick(bowls.previous_button, Qt.MouseButton.LeftButton)
    assert sorted(bowls.plots) == [(0, i) for i in range(page)]
    bowls.output_box.setCurrentIndex(shape[1] - 1)  # the last output's first page
    last = outputs[-1]
    assert min(bowls.plots) == (shape[1] - 1, 0) and bowls.page_label.text().startswith("bowls 1–")
    assert bowls.page_label.text().endswith(f" of {shape[0]} (output {last})")
    while bowls.next_button.isEnabled():  # to the last page (a short one, where the inputs run out)
        qtbot.mouseClick(bowls.next_button, Qt.MouseButton.LeftButton)
    whole()
    assert max(bowls.plots) == (shape[1] - 1, shape[0] - 1)
    assert bowls.page_label.text().endswith(f"–{shape[0]} of {shape[0]} (output {last})")
    assert total == shape[0] * len(outputs)
    same_weights()


def test_the_bowls_axis_labels_never_crowd(make_window, qtbot):
    """Review, point 5: on the digits after a cycle, the flat bowl r0c0→0 held its y range from 0
    to the first error, 1, and pyqtgraph wrote six labels (0 to 1 by 0.2) in ~50 px, one over the
    next (8.9 px apart, 8.4 px high). Every bowl's labels, up the side and across, now have room
    between them. Checked: with pyqtgraph's own AxisItem (``axisItems`` left out) r0c0→0's six
    labels failed here (0.5 px between them)."""
    from conftest import run
    from PySide6.QtGui import QImage

    window = laptop_window(make_window, qtbot, preset="digits")
    window.views.tabs.setCurrentWidget(window.views.bowls)  # drawn at iteration 0 (total error 1) first
    shown(qtbot)
    run(qtbot, window, 1797)
    window.resize(1024, 640)  # bowls ~50 px high, as on the reviewer's screen
    shown(qtbot)
    bowls = window.views.bowls
    assert (0, 0) in bowls.plots and bowls.plots[(0, 0)][0].getAxis("left").height() < 60
    image = QImage(10, 10, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    try:
        for (o, i), (plot, *_rest) in bowls.plots.items():
            for side in ("left", "bottom"):
                axis = plot.getAxis(side)
                _axis, _ticks, texts = axis.generateDrawSpecs(painter)
                rects = sorted((rect for rect, _flags, _text in texts),
                               key=lambda rect: rect.top() if side == "left" else rect.left())
                assert len(rects) >= (1 if side == "left" else 2), (o, i, side)
                for a, b in zip(rects, rects[1:]):  # a quarter of a line between labels, 3 px across
                    gap = b.top() - a.bottom() if side == "left" else b.left() - a.right()
                    assert gap >= (a.height() / 4 if side == "left" else 3), (o, i, side, [t for *_r, t in texts])
    finally:
        painter.end()


# -- the colour matrix ---------------------------------------------------------------------------
@pytest.mark.parametrize("shape", [(32, 32), (64, 10)])
def test_the_colour_matrix_names_its_rows_and_columns(make_window, qtbot, shape):
    """A colour matrix's headers show: its rows named by their outputs and its columns by their
    inputs, every k-th where the rows or columns are too close for a name each, each name whole
    and clear of the next, centred on its own row or column; the others' names on hover. Checked:
    fails against the old code (both headers hidden: no name anywhere)."""
    window = laptop_window(make_window, qtbot, shape)
    view = window.tables.weight_view
    model = view.model()
    data = window.controller.state.data
    assert view.matrix_mode()
    for header, names in ((view.verticalHeader(), data.output_names), (view.horizontalHeader(), data.input_names)):
        assert header.isVisible() and header.width() > 0 and header.height() > 0
        orientation = header.orientation()
        vertical = orientation == Qt.Orientation.Vertical
        every = header.every
        assert every <= (4 if vertical else 8)  # a name at least every few rows or columns
        written = header.names() if every > 1 else [
            (QRectF(header.sectionViewportPosition(s), 0, header.sectionSize(s), header.height()) if not vertical
             else QRectF(0, header.sectionViewportPosition(s), header.width(), header.sectionSize(s)),
             model.headerData(s, orientation)) for s in range(header.count())]
        assert [text for _, text in written] == list(names[::every])
        metrics = header.fontMetrics()
        room = header.viewport().rect()
        for box, text in written:
            assert metrics.horizontalAdvance(text) <= box.width() and metrics.height() <= box.height() + 1, text
            assert room.contains(box.toAlignedRect().adjusted(1, 1, -1, -1)), text
        for (first, _), (second, _) in zip(written, written[1:]):  # clear of each other
            assert (first.bottom() <= second.top()) if vertical else (first.right() <= second.left())
        for section in (0, 3):  # hover: every name, written or not
            kind = "output" if vertical else "input"
            assert model.headerData(section, orientation, Qt.ItemDataRole.ToolTipRole) == f"{kind} {names[section]}"
        assert points_to_pixels(header, header.font().pointSizeF()) >= 12


@pytest.mark.parametrize("theme", ["Light", "Dark"])
def test_the_colour_matrix_is_painted_as_the_item_delegate_paints_it(make_window, qtbot, theme):
    """The colour matrix paints its cells itself (the delegate took ~16 ms for the digits' 640
    cells): the same picture as Qt's own table paint, pixel for pixel, with tints of both signs, a
    selected cell, a scrolled view and both themes. Checked by breaking it: with the grid drawn one
    pixel off, or the selected cell left its tint, the pictures differ."""
    from conftest import run

    window = laptop_window(make_window, qtbot, preset="digits")
    window.apply_theme(theme)
    run(qtbot, window, 40)
    view = window.tables.weight_view
    assert view.matrix_mode() and view.model()._largest > 0
    view.setFocus()  # the current cell's focus frame drawn
    view.setCurrentIndex(view.model().index(3, 5))
    view.horizontalScrollBar().setValue(view.horizontalScrollBar().maximum() // 2)
    shown(qtbot)
    assert view.hasFocus()
    ours = view.grab().toImage()
    view.paints_matrix = False
    qts = view.grab().toImage()
    assert ours == qts


# -- the data table --------------------------------------------------------------------------------
def test_the_data_table_shows_1797_rows_through_a_model_asking_only_for_what_it_shows(make_window, qtbot,
                                                                                     monkeypatch):
    """The digits preset's 1,797 examples × 74 columns: a model (no widget per cell), rows and
    columns of one fixed size each (never sized to their contents, which asks every cell), and
    taking the data in then scrolling to the end asks the model only for the cells in sight.
    Checked against a broken build (BIG_TABLE_CELLS raised past 133,000 cells, so the table fits
    every row and column to its contents): the header modes failed, and without them the count
    (all 132,978 cells of 1,797 rows asked)."""
    from PySide6.QtWidgets import QHeaderView

    from gdviz.ui.table_models import DataTableModel

    asked: set[tuple[int, int]] = set()
    real_data = DataTableModel.data

    def counting(self, index, role=Qt.ItemDataRole.DisplayRole):
        asked.add((index.row(), index.column()))
        return real_data(self, index, role)

    monkeypatch.setattr(DataTableModel, "data", counting)
    window = laptop_window(make_window, qtbot, preset="digits")
    view, model = window.controls.data_view, window.controls.data_model
    assert (model.rowCount(), model.columnCount()) == (1797, 74)
    vertical, horizontal = view.verticalHeader(), view.horizontalHeader()
    for header in (vertical, horizontal):
        assert header.sectionResizeMode(0) != QHeaderView.ResizeMode.ResizeToContents
    assert len({vertical.sectionSize(row) for row in range(1797)}) == 1  # one row height
    assert len({horizontal.sectionSize(column) for column in range(64)}) == 1
    view.scrollToBottom()
    QApplication.processEvents()
    assert view.rowAt(view.viewport().height() - 2) >= 1790  # the last rows in sight
    assert view.indexWidget(model.index(1796, 0)) is None and view.indexWidget(model.index(0, 0)) is None
    rows_asked = {row for row, _ in asked}
    assert len(rows_asked) < 100 and len(asked) < 2_000, (len(rows_asked), len(asked))


def test_at_1024_by_640_the_diagram_still_says_which_labels_it_leaves_out(make_window, qtbot, monkeypatch):
    """On a small screen the legend's note of the labels left out is written whole (in short:
    "1 in 3 labelled", the keys closer together), never cut to "labels eve…". Checked: fails
    against the first version of the note, which elided it there."""
    window = make_window()
    window.resize(1024, 640 - 30)
    window._default_splitter_sizes()  # noqa: SLF001
    window.controller.load_shape(32, 32)
    sync(qtbot, window)
    shown(qtbot)
    view = window.views.network_view
    notes = [text for text, _ in painted_texts(view, monkeypatch) if "label" in text]
    assert notes and not any(text.endswith("…") for text in notes), notes
    assert any(text.startswith(("1 in ", "labels every")) for text in notes), notes


def test_the_digits_five_tabs_fit_the_tab_bar_at_1024_by_640(make_window, qtbot):
    """The views' tabs write their long names where they all fit and short ones where not, so no
    tab scrolls out of sight. Checked: fails with the long names only (the bar then needs ~470 px
    and scrolls "Error curves" away at 1024 × 640)."""
    window = make_window()
    window.resize(1024, 640 - 30)
    window._default_splitter_sizes()  # noqa: SLF001
    window.controller.load_preset("digits")
    sync(qtbot, window)
    shown(qtbot)
    tabs = window.views.tabs
    bar = tabs.tabBar()
    visible = [k for k in range(tabs.count()) if tabs.isTabVisible(k)]
    assert len(visible) == 5
    assert sum(bar.tabRect(k).width() for k in visible) <= bar.width() <= tabs.width()
    assert [tabs.tabText(k) for k in visible] == ["Curves", "Bowls", "Surface", "Images", "Confusion"]
    assert tabs.tabToolTip(visible[0]).startswith("Error curves: ")
    window.resize(1900, 1000)  # room: the long names again
    qtbot.waitUntil(lambda: tabs.tabText(visible[0]) == "Error curves")
    assert [tabs.tabText(k) for k in visible] == ["Error curves", "Error bowls", "Error surface", "Weight images",
                                                  "Confusion"]


# -- gdviz --shape -------------------------------------------------------------------------------
def test_gdviz_shape_opens_the_window_on_a_fresh_network_of_that_shape():
    """``gdviz --shape 8x8`` (as ``gdviz train --shape``): the shape taken out of the window's
    arguments; a malformed or too large one, or one with --preset, is refused before any window."""
    from gdviz.ui import app

    assert app._window_options_and_shape(["--shape", "8x8"]) == (None, False, [], (8, 8))
    assert app._window_options_and_shape(["--shape=32×32", "--lesson"]) == (None, True, [], (32, 32))
    assert app._window_options(["--preset", "digits"]) == ("digits", False, [])
    for argv in (["--shape", "64x10"], ["--shape", "8"], ["--shape", "8x8", "--preset", "single"]):
        with pytest.raises(ValueError, match="--shape"):
            app._window_options_and_shape(argv)
        assert app.run_app(argv) == 2


def test_the_digits_diagram_writes_its_preds_whole_after_training(make_window, qtbot):
    """After 200 iterations of the digits preset (preds near 0, some negative: −0.014084199) every
    label drawn is whole. Checked: fails against the code that kept room for a usual pred only
    ("2  −0.014084199 …")."""
    from conftest import run

    window = laptop_window(make_window, qtbot, preset="digits")
    run(qtbot, window, 200)
    shown(qtbot)
    labels = window.views.network_view.drawn_labels()
    assert len([key for key in labels if key[0] == "outputs"]) == 10
    assert not [text for text in labels.values() if "…" in text]
