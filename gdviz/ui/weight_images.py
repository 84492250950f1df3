"""Weight images: for a network whose inputs are an image's pixels (the digits, or data whose
import named its size), each output's weights drawn as an image, and the dot product made visible.

Left, one small image per output, its weights as pixels on one diverging colour scale centred at
0 (the sign colours of the diagram and the weights table: blue positive, orange negative), levels
symmetric about 0 and shared by all, with one colour bar. Right, an example's input image and, for
a chosen output (the chooser, or a click on its weight image), the dot product drawn as an image:
input × weight, pixel by pixel, whose sum, written beneath, is that output's pred — added pixel by
pixel row by row from 0, the book's ``w_sum``, so it equals the pred the log and the arithmetic
show, bit for bit. Hovering a pixel names it and gives its numbers.

The view draws the moment the window hands it (:meth:`WeightImagesView.refresh`), at the readable
rate while training and on every move through time.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QPointF, Qt, Signal
from PySide6.QtGui import QColor, QCursor
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGraphicsRectItem,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from gdviz.core.dataset import DataSet
from gdviz.core.images import dot_product_image, image_shape, input_at, pixel_sum, size_text, weight_images
from gdviz.core.moment import Moment
from gdviz.core.numbers import DEFAULT_DIGITS, Digits, format_number
from gdviz.ui import style, zoom
from gdviz.ui.guard import answers_qt

THE_ITERATIONS = -1
"""The example chooser's first choice: the example of the iteration shown."""
THE_TARGETS = -1
"""The output chooser's first choice: the output of the example's class (its target's 1)."""
BAR_WIDTH = 12
TITLE_POINTS = 9  # the images' titles at 100 % (View → Zoom scales them)
TITLE_HEIGHT = 14  # a weight image's title at 100 %, in pixels (measured: 14 at 9pt, 28 at 18pt)
GAP, CELL_MARGIN, GRID_MARGIN = 2, 1, 8  # pixels between images, round each, over and under the grid
BAR_ROOM = 50  # the colour bar's axis labels at 100 %, in pixels
HOVER_LINE_ZOOM = 1.25  # past this zoom the hover line is left out (see _show_hover_line)
CAPTION_TIP = ("Each output's pred is the dot product of the input image with its weight image: pixels where "
               "the weights are blue add to it where there is ink, orange ones take away. Pixels that are 0 in "
               "every example never move their weights.")
PAPER, INK = QColor("#ffffff"), QColor("#111827")
FRAME = "#9ca3af"


def title_size() -> str:
    """An image's title size at the window's zoom (View → Zoom)."""
    return f"{zoom.scaled(TITLE_POINTS):g}pt"


def diverging_map(pal=None) -> pg.ColorMap:
    """Negative orange, 0 the background, positive blue: the colour matrix's colours."""
    base = (pal or style.palette()).base().color()
    return pg.ColorMap([0.0, 0.5, 1.0], [style.sign_colour(-1.0, pal), base, style.sign_colour(1.0, pal)])


def ink_map() -> pg.ColorMap:
    """An input image as ink on paper: 0 white, the largest input black."""
    return pg.ColorMap([0.0, 1.0], [PAPER, INK])


def symmetric_levels(values: np.ndarray) -> tuple[float, float]:
    """(−m, m), m the largest finite size among ``values`` (1 when there is none, or all are 0)."""
    finite = np.abs(values[np.isfinite(values)])
    largest = float(finite.max()) if finite.size else 0.0
    largest = largest if largest > 0 else 1.0
    return -largest, largest


ROBUST_PERCENTILE = 98.0
"""The shared scale of the weight images reaches this percentile of the weights' sizes: after
200,000 digits iterations the largest weights (r5c7 → 1: −0.49) belong to edge pixels an example
rarely inks, and a scale to ±max|w| drew every digit's pattern pale (there, |w| is 0.061 at the
median, 0.28 at the 98th percentile, 0.34 at the 99th, 0.495 at most)."""
FEW_WEIGHTS = 100  # fewer weights than this: each counts, the scale reaches the largest


def robust_levels(values: np.ndarray) -> tuple[tuple[float, float], int]:
    """((−m, m), how many finite values lie beyond m): m the :data:`ROBUST_PERCENTILE` percentile
    of the finite sizes among ``values`` (their largest when there are few, or when the percentile
    is 0; 1 when all are 0 or none is finite). Values beyond m are drawn at the scale's end."""
    finite = np.abs(values[np.isfinite(values)])
    if finite.size == 0:
        return (-1.0, 1.0), 0
    largest = float(finite.max())
    bound = float(np.percentile(finite, ROBUST_PERCENTILE)) if finite.size >= FEW_WEIGHTS else largest
    bound = bound if bound > 0 else largest
    if bound <= 0:
        return (-1.0, 1.0), 0
    return (-bound, bound), int(np.count_nonzero(finite > bound))


def scale_text(levels: tuple[float, float], beyond: int, count: int) -> str:
    """``±0.21; 1% of the weights beyond, drawn full`` (the colour bar's tooltip, the caption's end)."""
    text = f"±{format_number(levels[1], 2)}"
    if beyond:
        share = 100.0 * beyond / count
        text += f"; {beyond:,} of {count:,} weights ({share:.2g}%) beyond, drawn full"
    return text


def best_columns(count: int, shape: tuple[int, int], width: float, height: float) -> int:
    """How many images a row holds so that ``count`` images of ``shape`` are drawn largest in
    ``width`` × ``height`` pixels, with a title over each, :data:`GAP` between them and
    :data:`CELL_MARGIN` round each (guessing 18 px a title and no gaps drew the digits 3 rows of 4
    at 39 px on a 1024 × 640 screen, where 2 rows of 5 draw them at 47)."""
    best, best_scale = 1, -1.0
    title = TITLE_HEIGHT * zoom.factor()
    for columns in range(1, count + 1):
        rows = math.ceil(count / columns)
        across = (width - GAP * (columns - 1)) / columns - 2 * CELL_MARGIN
        down = (height - GAP * (rows - 1)) / rows - 2 * CELL_MARGIN - title
        scale = min(across / shape[1], down / shape[0])
        if scale > best_scale + 1e-9:
            best, best_scale = columns, scale
    return best


class _Picture:
    """A title over a ViewBox holding one ImageItem: one image of the view."""

    def __init__(self, title: str, colour_map: pg.ColorMap):
        self.cell = pg.GraphicsLayout()
        self.cell.setContentsMargins(CELL_MARGIN, CELL_MARGIN, CELL_MARGIN, CELL_MARGIN)
        self.cell.setSpacing(0)
        self.title = self.cell.addLabel(title, row=0, col=0, size=title_size())
        # the text's own height: Qt's 4 px document margin round a title made each row of images
        # 8 px shorter (the rows, not the columns, limit them on a 1024 × 640 screen)
        self.title.item.document().setDocumentMargin(0)
        self.title.setText(title)
        self.box = self.cell.addViewBox(row=1, col=0, lockAspect=True, enableMouse=False, invertY=True,
                                        enableMenu=False)
        self.cell.layout.setRowStretchFactor(1, 1)  # the room to the image, not to its title
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setColorMap(colour_map)
        self.box.addItem(self.image)
        self.frame = QGraphicsRectItem(0, 0, 1, 1)  # a blank image (weights all 0) still shows where it is
        pen = pg.mkPen(FRAME)
        pen.setCosmetic(True)
        self.frame.setPen(pen)
        self.box.addItem(self.frame)

    def show(self, values: np.ndarray, levels: tuple[float, float]) -> None:
        shape_changed = self.image.image is None or self.image.image.shape != values.shape
        self.image.setImage(values, levels=levels, autoLevels=False)
        if shape_changed:
            self.frame.setRect(0, 0, values.shape[1], values.shape[0])
            self.box.setRange(xRange=(0, values.shape[1]), yRange=(0, values.shape[0]), padding=0.02)

    def pixel_at(self, scene_pos: QPointF) -> tuple[int, int] | None:
        """(row, column) of the pixel under ``scene_pos``, or None."""
        image = self.image.image
        if image is None or not self.box.sceneBoundingRect().contains(scene_pos):
            return None
        point = self.box.mapSceneToView(scene_pos)
        row, column = math.floor(point.y()), math.floor(point.x())
        if 0 <= row < image.shape[0] and 0 <= column < image.shape[1]:
            return row, column
        return None


class WeightImagesView(QWidget):
    """Each output's weights as an image, an example's image and one output's dot product."""

    hovered = Signal(str)

    def __init__(self, data: DataSet, parent: QWidget | None = None):
        super().__init__(parent)
        self.input_names, self.output_names = data.input_names, data.output_names
        self.shape = image_shape(data) or (1, data.n_inputs)
        self.digits: Digits = DEFAULT_DIGITS
        self.moment: Moment | None = None
        self._weights = np.zeros((data.n_outputs, data.n_inputs))
        self._inputs = np.zeros(data.n_inputs)
        self._terms_weights = np.zeros(data.n_inputs)
        self._ink_levels: tuple[DataSet, tuple[float, float]] | None = None  # an input image's (data, levels)
        self._columns = 0
        self._stacked: bool | None = None  # the example over its dot product (or beside it)
        self._targets = np.zeros(0)  # of the example drawn
        self._example = self._output = 0  # drawn
        self.sum = math.nan  # the dot product's pixels added, as written beneath it
        self.scale_text = ""  # the weight images' colour scale, as the caption ends

        self.caption = QLabel()
        self.caption.setWordWrap(True)
        self.caption.setToolTip(CAPTION_TIP)
        self.grid = pg.GraphicsLayoutWidget()
        # room for the colour bar's end labels, half outside it
        self.grid.ci.setContentsMargins(2, GRID_MARGIN, 2, GRID_MARGIN)
        self.grid.ci.setSpacing(GAP)
        self._parts: tuple | None = None  # the pictures and colour bars: made when first shown

        self.example_box = QSpinBox()
        self.example_box.setRange(THE_ITERATIONS, data.n_examples - 1)
        self.example_box.setSpecialValueText("the iteration's")
        self.example_box.setValue(THE_ITERATIONS)
        self.example_box.setToolTip("The example drawn: the one the iteration shown used, or any example "
                                    "(numbered from 0, as in the data table)")
        self.example_box.valueChanged.connect(lambda _value: self._redraw())
        self.output_box = QComboBox()
        self.output_box.addItem("its target", THE_TARGETS)
        for o, name in enumerate(self.output_names):
            self.output_box.addItem(f"output {name}", o)
        self.output_box.setToolTip("The output whose dot product (input × weight, pixel by pixel) is drawn: the "
                                   "example's target output, or one chosen (or click a weight image)")
        self.output_box.currentIndexChanged.connect(lambda _index: self._redraw())
        self.pair = pg.GraphicsLayoutWidget()
        self.pair.ci.setContentsMargins(2, 2, 2, 2)
        self.sum_label = QLabel()
        self.sum_label.setWordWrap(True)
        self.sum_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hover_label = QLabel("Hover a pixel for its numbers; click a weight image for its dot product.")
        self.hover_label.setWordWrap(True)

        choosers = QFormLayout()
        choosers.setContentsMargins(0, 0, 0, 0)
        choosers.addRow("Example", self.example_box)
        choosers.addRow("Output", self.output_box)
        left = QVBoxLayout()
        left.setContentsMargins(0, 0, 0, 0)
        left.addWidget(self.grid, 1)
        right = QVBoxLayout()
        right.setContentsMargins(0, 0, 0, 0)
        right.addLayout(choosers)
        right.addWidget(self.pair, 1)
        right.addWidget(self.sum_label)
        self.pictures_layout = QHBoxLayout()
        self.pictures_layout.setContentsMargins(0, 0, 0, 0)
        self.pictures_layout.setSpacing(4)
        self.pictures_layout.addLayout(left, 2)  # the weights first: the pair is two images
        self.pictures_layout.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        # the caption across the top, over the choosers too: over the weights alone it wrapped
        # onto four lines at 200 % and took their room (~25 px images on a 1366 × 768 screen)
        layout.addWidget(self.caption)
        layout.addLayout(self.pictures_layout, 1)
        layout.addWidget(self.hover_label)
        self._show_hover_line()
        self.grid.installEventFilter(self)
        self.pair.installEventFilter(self)
        self.grid.scene().sigMouseMoved.connect(self._hover_weights)
        self.grid.scene().sigMouseClicked.connect(self._click_weights)
        self.pair.scene().sigMouseMoved.connect(self._hover_pair)

    def _made(self) -> tuple:
        """The pictures and colour bars, made on first use: 64 pictures of a learner's 32 × 32
        images took ~0.45 s to make (10 of the digits ~0.15 s), which taking a data set in would pay
        for a tab not shown."""
        if self._parts is None:
            colour_map = diverging_map(self.palette())
            pictures = [_Picture(name, colour_map) for name in self.output_names]
            colour_bar = pg.ColorBarItem(values=(-1.0, 1.0), colorMap=colour_map, interactive=False,
                                         width=BAR_WIDTH, colorMapMenu=False, rounding=1e-12)
            colour_bar.setImageItem([picture.image for picture in pictures])
            input_picture = _Picture("example", ink_map())
            terms_picture = _Picture("input × weight", colour_map)
            terms_bar = pg.ColorBarItem(values=(-1.0, 1.0), colorMap=colour_map, interactive=False, width=BAR_WIDTH,
                                        colorMapMenu=False, rounding=1e-12, orientation="horizontal")
            terms_bar.setImageItem(terms_picture.image)
            self._parts = (pictures, colour_bar, input_picture, terms_picture, terms_bar)
            self._fit()
            self._restyle()
        return self._parts

    pictures = property(lambda self: self._made()[0])
    colour_bar = property(lambda self: self._made()[1])
    input_picture = property(lambda self: self._made()[2])
    terms_picture = property(lambda self: self._made()[3])
    terms_bar = property(lambda self: self._made()[4])

    @answers_qt()
    def showEvent(self, event):  # noqa: N802
        self._made()
        super().showEvent(event)

    # -- layout -------------------------------------------------------------------------------------
    def _place(self, columns: int) -> None:
        """The weight images ``columns`` to a row, the colour bar beside them all."""
        if columns == self._columns:
            return
        layout = self.grid.ci
        for item in [*(picture.cell for picture in self.pictures), self.colour_bar]:
            if item in layout.items:
                layout.removeItem(item)
        for o, picture in enumerate(self.pictures):
            layout.addItem(picture.cell, o // columns, o % columns)
        layout.addItem(self.colour_bar, 0, columns, rowspan=max(1, math.ceil(len(self.pictures) / columns)))
        self._columns = columns

    def _fit(self) -> None:
        """As many images to a row as draws them largest in the room there is; the example and its
        dot product side by side, or one over the other where the room is narrow (at 1024 × 640 the
        two titles side by side were wider than the room)."""
        size = self.grid.size()
        self._place(best_columns(len(self.output_names), self.shape,
                                 max(size.width() - 4 - GAP - BAR_WIDTH - BAR_ROOM * zoom.factor(), 1),
                                 max(size.height() - 2 * GRID_MARGIN, 1)))
        pair, title = self.pair.size(), TITLE_HEIGHT * zoom.factor()
        # the larger images: the dot product's title is two lines, and beside, its colour bar under it
        beside = min(pair.width() / 2, pair.height() - 2 * title - 2.5 * title)
        stacked = min(pair.width(), (pair.height() - 3 * title) / 2)
        self._arrange_pair(pair.width() < 260 * zoom.factor() or stacked >= beside)

    def _arrange_pair(self, stacked: bool) -> None:
        if stacked == self._stacked:
            return
        layout = self.pair.ci
        _, _, input_picture, terms_picture, terms_bar = self._made()
        for item in (input_picture.cell, terms_picture.cell, terms_bar):
            if item in layout.items:
                layout.removeItem(item)
        layout.addItem(input_picture.cell, 0, 0)
        layout.addItem(terms_picture.cell, *((1, 0) if stacked else (0, 1)))
        if not stacked:  # under the dot product; one over the other, the room is the images' (its scale in its title)
            layout.addItem(terms_bar, 1, 1)
        terms_bar.setVisible(not stacked)
        # one over the other, the pair needs one image's width: the rest goes to the weights
        self.pictures_layout.setStretch(0, 3 if stacked else 2)
        for k in (0, 1):  # the two images the same size, whatever their titles
            layout.layout.setColumnStretchFactor(k, 1 if k == 0 or not stacked else 0)
            layout.layout.setRowStretchFactor(k, 1 if k == 0 or stacked else 0)
        self._stacked = stacked
        self._redraw()

    @answers_qt()
    def resizeEvent(self, event):  # noqa: N802
        super().resizeEvent(event)
        if self._parts is not None:
            self._fit()

    @answers_qt(lambda *_: False)
    def eventFilter(self, watched, event):  # noqa: N802
        # the grid's and the pair's own sizes: they change without the view's (the pair stacked
        # gives the weights a larger share; the choosers wrap)
        if watched in (self.grid, self.pair) and event.type() == QEvent.Type.Resize and self._parts is not None:
            self._fit()
        return False

    @answers_qt()
    def changeEvent(self, event):  # noqa: N802
        if event.type() == QEvent.Type.FontChange:  # View → Zoom changes the application's font
            self._show_hover_line()
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.FontChange) and self._parts is not None:
            self._restyle()  # (the titles follow the zoom)
            if event.type() == QEvent.Type.FontChange:
                self._columns = 0  # the titles' height changed: the columns are chosen again
                self._fit()
        super().changeEvent(event)

    def _show_hover_line(self) -> None:
        """The hover line under the images up to 125 %: past it, its two lines were the weight
        images' room, and the tooltip at the cursor says the same."""
        self.hover_label.setVisible(zoom.factor() <= HOVER_LINE_ZOOM)

    def _restyle(self) -> None:
        palette = self.palette()
        text = palette.windowText().color()
        colour_map = diverging_map(palette)
        for widget in (self.grid, self.pair):
            widget.setBackground(palette.window().color())
        for picture in (*self.pictures, self.input_picture, self.terms_picture):
            picture.title.setText(picture.title.text, color=text.name(), size=title_size())
        for picture in (*self.pictures, self.terms_picture):
            picture.image.setColorMap(colour_map)
        for bar in (self.colour_bar, self.terms_bar):
            bar.setColorMap(colour_map)
            axis = bar.getAxis("right" if bar is self.colour_bar else "bottom")
            axis.setPen(text)
            axis.setTextPen(text)

    # -- drawing ------------------------------------------------------------------------------------
    def set_digits(self, digits: Digits) -> None:
        self.digits = digits
        self._redraw()

    def refresh(self, moment: Moment) -> None:
        """Draw ``moment``: its weights, and the example and dot product the choosers name."""
        self.moment = moment
        self._redraw()

    def show_example(self, example: int) -> None:
        """Draw example ``example`` (0-based) with the weights shown."""
        self.example_box.setValue(example)

    def chosen_output(self) -> int:
        """The output whose dot product is drawn."""
        chosen = self.output_box.currentData()
        if chosen is not None and chosen != THE_TARGETS:
            return int(chosen)
        targets = self._targets
        return int(np.argmax(targets)) if targets.size and np.all(np.isfinite(targets)) else 0

    def _redraw(self) -> None:
        moment = self.moment
        if moment is None:
            return
        data = moment.settings.data
        shape = image_shape(data)
        if shape is None or data.n_inputs != len(self.input_names):
            self.caption.setText("These inputs do not form an image.")
            return
        self.shape = shape
        if self.example_box.maximum() != data.n_examples - 1:  # examples added or removed
            self.example_box.blockSignals(True)
            self.example_box.setMaximum(data.n_examples - 1)
            self.example_box.blockSignals(False)
        weights = moment.weights
        self._weights = weights
        levels, beyond = robust_levels(weights)
        for picture, image in zip(self.pictures, weight_images(weights, shape)):
            picture.show(image, levels)
        self.colour_bar.setLevels(levels)
        self.scale_text = scale_text(levels, beyond, weights.size)
        self.colour_bar.setToolTip(
            f"The weights' colours, shared by every image: {self.scale_text}. The scale reaches the "
            f"{ROBUST_PERCENTILE:g}th percentile of the weights' sizes, so that a few large weights of rarely "
            "inked pixels do not make every pattern pale; hover a pixel for its exact weight.")
        far = f" ({100 * beyond / weights.size:.2g}% beyond ±{format_number(levels[1], 2)}: full colour)" \
            if beyond else ""
        self.caption.setText(f"Weights after iteration {moment.iteration:,} ({size_text(shape)}): blue +, "
                             f"orange −{far}")
        self.caption.setToolTip(f"{CAPTION_TIP} Colours: {self.scale_text}.")
        self._draw_example(moment, data, shape)

    def _draw_example(self, moment: Moment, data: DataSet, shape: tuple[int, int]) -> None:
        """The example's image and the chosen output's dot product, with its sum written out."""
        chosen = self.example_box.value()
        logged = int(moment.record.example[0])
        if chosen == THE_ITERATIONS and logged >= 0 and not moment.pending:
            # the iteration's own example, and the weights its pred was worked out with (those
            # before it): the sum is the pred the log, the diagram and the arithmetic show
            example, inputs, self._targets = logged, moment.inputs, moment.targets
            weights, iteration = moment.record.weights[0], moment.iteration + (moment.row is None)
            said = f"iteration {iteration:,}" + (", the next" if moment.row is None else "")
            whose = f"<br>before iteration {iteration:,}"  # the grid draws the weights after it
            told = (f"The pred of iteration {iteration:,} for its example, worked out with the weights before "
                    "it: the number the diagram and the arithmetic show, to the last digit.")
        else:  # an example chosen, or batch mode (every example at once): the weights shown
            example = chosen if chosen != THE_ITERATIONS else int(moment.settings.example)
            example = min(example, data.n_examples - 1)
            inputs, self._targets, weights = data.inputs[example], data.targets[example], moment.weights
            said = f"weights after iteration {moment.iteration:,}"
            whose = ""  # the weights the grid draws
            told = (f"The pred the weights after iteration {moment.iteration:,} (the ones drawn) make for "
                    f"example {example:,}.")
        output = self.chosen_output()
        self._example, self._output = example, output
        self._inputs, self._terms_weights = inputs, weights[output]
        if self._ink_levels is None or self._ink_levels[0] is not data:
            smallest, high = data.input_range  # (a data set's inputs are finite)
            low = min(smallest, 0.0)
            self._ink_levels = (data, (low, high if high > low else low + 1.0))
        self.input_picture.show(inputs.reshape(shape), self._ink_levels[1])
        terms = dot_product_image(inputs, weights[output], shape)
        terms_levels = symmetric_levels(terms)
        self.terms_picture.show(terms, terms_levels)
        self.terms_bar.setLevels(terms_levels)
        text = self.palette().windowText().color().name()
        self.input_picture.title.setText(f"example {example:,}", color=text)
        scale = f" (±{format_number(terms_levels[1], 2)})" if self._stacked else ""
        self.terms_picture.title.setText(f"× weights of {self.output_names[output]}{scale}{whose}", color=text)
        total = pixel_sum(terms)
        self.sum_label.setText(f"Sum of the pixels = pred of {self.output_names[output]} = "
                               f"{format_number(total, self.digits)} ({said})")
        self.sum_label.setToolTip(f"{told} Each pixel of the dot product is input × weight; added pixel by "
                                  "pixel, row by row, from 0, they make the pred, as the book's w_sum adds them.")
        self.sum = total

    # -- hovering and clicking ----------------------------------------------------------------------
    def weight_text(self, output: int, row: int, column: int) -> str:
        """``r3c5 → 7: weight 0.0213``."""
        input_ = input_at(row, column, self.shape)
        return (f"{self.input_names[input_]} → {self.output_names[output]}: weight "
                f"{format_number(self._weights[output, input_], self.digits)}")

    def _say(self, text: str) -> None:
        self.hover_label.setText(text)
        self.hovered.emit(text)
        if self.isVisible():
            QToolTip.showText(QCursor.pos(), text, self)

    @answers_qt()
    def _hover_weights(self, scene_pos: QPointF) -> None:
        if self._parts is None:
            return
        for output, picture in enumerate(self.pictures):
            found = picture.pixel_at(scene_pos)
            if found is not None:
                self._say(self.weight_text(output, *found))
                return

    @answers_qt()
    def _hover_pair(self, scene_pos: QPointF) -> None:
        if self._parts is None:
            return
        for picture in (self.input_picture, self.terms_picture):
            found = picture.pixel_at(scene_pos)
            if found is None:
                continue
            input_ = input_at(found[0], found[1], self.shape)
            name, x = self.input_names[input_], self._inputs[input_]
            if picture is self.input_picture:
                self._say(f"{name} of example {self._example:,}: {format_number(x, self.digits)}")
            else:
                w = self._terms_weights[input_]
                self._say(f"{name}: input × weight = {format_number(x, self.digits)} × "
                          f"{format_number(w, self.digits)} = {format_number(x * w, self.digits)}")
            return

    @answers_qt()
    def _click_weights(self, event) -> None:
        if self._parts is None:
            return
        for output, picture in enumerate(self.pictures):
            if picture.box.sceneBoundingRect().contains(event.scenePos()):
                self.output_box.setCurrentIndex(self.output_box.findData(output))
                return
