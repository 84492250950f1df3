"""File → Export animation…: iterations a to b of the diagram, the curves or both side by side,
as an animated GIF or APNG (Pillow writes both; Qt writes neither).

Every frame is drawn from the log, not captured from the screen: an offscreen diagram and an
offscreen plot of a fixed size are given the moment of each iteration (:func:`moment_at`), so
the same log makes the same frames, and the same file, whatever the window looks like. Drawing
needs the GUI thread, so it runs there a few frames at a time between events (the window stays
live, with a progress dialog and Cancel); the encoding, which takes most of the time, runs on a
background job (:mod:`gdviz.ui.jobs`).
"""

from __future__ import annotations

import io
import time
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PIL import Image
from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QImage, QPainter
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QMessageBox,
    QProgressDialog,
    QSpinBox,
    QWidget,
)

from gdviz.core.files import Cancelled, atomic_write
from gdviz.core.moment import Log, moment_at
from gdviz.core.state import SessionState
from gdviz.ui import style
from gdviz.ui.network_view import NetworkView
from gdviz.ui.pictures import draw_widget

if TYPE_CHECKING:
    from gdviz.ui.main_window import MainWindow

VIEWS = {"diagram": "The network diagram", "curves": "The error curves", "both": "Both, side by side"}
FORMATS = {"gif": "Animated GIF (*.gif)", "apng": "Animated PNG (*.png)"}
FRAME_SIZE = (640, 400)  # each view's frame, in pixels: a slide's half
MAX_FRAMES = 1000  # one frame an iteration: 100 s at 10 frames a second; past this, a file too large to show
DRAW_MS = 30  # frames drawn per turn of the event loop: about this long


@dataclass(frozen=True)
class AnimationSpec:
    view: str  # diagram, curves or both
    first: int  # iterations first … last, one frame each
    last: int
    fps: float = 10.0
    kind: str = "gif"  # gif or apng

    def check(self, log: Log) -> None:
        """Refuse what cannot be drawn: a ValueError saying why."""
        if self.view not in VIEWS:
            raise ValueError(f"no view called {self.view!r}: one of {', '.join(VIEWS)}")
        if self.kind not in FORMATS:
            raise ValueError(f"an animation is a GIF or an APNG, not {self.kind!r}")
        low, high = log.first_iteration - 1, log.last_iteration
        if not low <= self.first <= self.last <= high:
            raise ValueError(f"the iterations must lie within {low:,} to {high:,}, first before last")
        if self.frames > MAX_FRAMES:
            raise ValueError(f"{self.frames:,} frames is more than {MAX_FRAMES:,}: choose fewer iterations")
        if not 0.5 <= self.fps <= 50:
            raise ValueError("the frame rate must lie within 0.5 and 50 frames a second")

    @property
    def frames(self) -> int:
        return self.last - self.first + 1


class FrameRenderer:
    """Draws iteration k of ``log`` (ending in ``state``) as the window would, at a fixed size."""

    def __init__(self, log: Log, state: SessionState, spec: AnimationSpec, digits=None, log_scale: bool = False):
        self.log, self.state, self.spec = log, state, spec
        data = state.data
        self.diagram: NetworkView | None = None
        self.plot: pg.PlotWidget | None = None
        width, height = FRAME_SIZE
        if spec.view in ("diagram", "both"):
            self.diagram = NetworkView(data.input_names, data.output_names)
            if digits is not None:
                self.diagram.set_digits(digits)
            self._offscreen(self.diagram, width, height)
        if spec.view in ("curves", "both"):
            self.plot = pg.PlotWidget()
            self._offscreen(self.plot, width, height)
            self._build_curves(log_scale)
        # pyqtgraph lays a plot out through posted events and its first paint (axis widths follow
        # the tick text drawn): settled here, so that frame 1 is the same whenever it is drawn
        QApplication.sendPostedEvents()
        self.frame(spec.first)
        QApplication.sendPostedEvents()

    @staticmethod
    def _offscreen(widget: QWidget, width: int, height: int) -> None:
        widget.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
        widget.setFixedSize(width, height)
        widget.show()  # laid out and polished, never on the screen

    def _build_curves(self, log_scale: bool) -> None:
        assert self.plot is not None
        spec, log, names = self.spec, self.log, self.state.data.output_names
        palette = self.plot.palette()
        text = palette.windowText().color()
        self.plot.setBackground(palette.base().color())
        item = self.plot.getPlotItem()
        item.setMenuEnabled(False)
        item.hideButtons()
        item.setLabel("bottom", "iteration")
        item.setLabel("left", "error")
        for side in ("left", "bottom"):
            item.getAxis(side).setPen(text)
            item.getAxis(side).setTextPen(text)
            item.getAxis(side).enableAutoSIPrefix(False)
        item.setLogMode(y=log_scale)
        start, stop = max(spec.first - log.first_iteration, 0), spec.last - log.first_iteration + 1
        self.x = np.arange(start, stop, dtype=np.float64) + log.first_iteration
        self.errors = np.asarray(log.column("error", start, stop), dtype=np.float64).reshape(len(self.x), -1)
        self.totals = np.asarray(log.column("error_total", start, stop), dtype=np.float64)
        count = len(names)
        legend = item.addLegend(offset=(-10, -10), labelTextColor=text)  # bottom right: the curves start top left
        legend.setBrush(pg.mkBrush(palette.base().color()))
        self.curves = [item.plot(pen=pg.mkPen(style.curve_colour(o, count), width=1.5), name=name)
                       for o, name in enumerate(names)] if count <= 8 else []
        self.total = item.plot(pen=pg.mkPen(text, width=2.5), name="total")
        self.cursor = pg.InfiniteLine(angle=90, pen=pg.mkPen(style.POSITIVE, width=1))
        item.addItem(self.cursor, ignoreBounds=True)
        self.caption = pg.TextItem(color=text, anchor=(1, 0))
        self.caption.setFont(QFont(self.plot.font()))
        item.addItem(self.caption, ignoreBounds=True)
        values = np.concatenate([self.totals, self.errors.ravel()]) if len(self.x) else np.zeros(1)
        finite = values[np.isfinite(values)]
        if log_scale:
            finite = np.log10(finite[finite > 0])
        low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
        if not log_scale:
            low = min(low, 0.0)
        if high <= low:
            high = low + 1.0
        left, right = float(spec.first), float(max(spec.last, spec.first + 1))
        item.setRange(xRange=(left, right), yRange=(low, high), padding=0.02)
        self._top = (right, high)
        self._log_scale = log_scale

    def _draw_curves(self, iteration: int) -> QImage:
        assert self.plot is not None
        upto = max(iteration - self.spec.first + (1 if self.spec.first >= self.log.first_iteration else 0), 0)
        x = self.x[:upto]
        with np.errstate(divide="ignore", invalid="ignore"):
            for o, curve in enumerate(self.curves):
                curve.setData(x, self.errors[:upto, o])
            self.total.setData(x, self.totals[:upto])
        self.cursor.setPos(iteration)
        error = self.totals[upto - 1] if upto else float("nan")
        caption = f"iteration {iteration:,}"
        self.caption.setText(f"{caption}   total error {error:.6g}" if upto else caption)
        self.caption.setPos(*self._top)
        return _image_of(self.plot)

    def _draw_diagram(self, iteration: int) -> QImage:
        assert self.diagram is not None
        moment = moment_at(self.log, self.state, iteration)
        self.diagram.set_state(moment.weights, moment.weight_deltas, moment.settings.frozen, moment.inputs,
                               moment.pred, moment.targets, weights_after=moment.iteration,
                               pred_of=moment.iteration + (moment.row is None))
        return _image_of(self.diagram)

    def frame(self, iteration: int) -> QImage:
        """Iteration ``iteration``'s frame (the views chosen, side by side)."""
        images = []
        if self.diagram is not None:
            images.append(self._draw_diagram(iteration))
        if self.plot is not None:
            images.append(self._draw_curves(iteration))
        if len(images) == 1:
            return images[0]
        both = QImage(sum(image.width() for image in images), max(image.height() for image in images),
                      QImage.Format.Format_RGB32)
        both.fill(QColor("white"))
        painter = QPainter(both)
        x = 0
        for image in images:
            painter.drawImage(x, 0, image)
            x += image.width()
        painter.end()
        return both

    def close(self) -> None:
        for widget in (self.diagram, self.plot):
            if widget is not None:
                widget.close()
                widget.deleteLater()
        self.diagram = self.plot = None


def _image_of(widget: QWidget) -> QImage:
    # drawn in Qt's own 32-bit format: lines drawn into a 24-bit image took 7 ms a curve (4 curves:
    # 34 ms a frame); converted to 24 bits once, when the frame is packed
    image = QImage(widget.size(), QImage.Format.Format_RGB32)
    image.fill(widget.palette().window().color())
    painter = QPainter(image)
    try:
        draw_widget(widget, painter)
    finally:
        painter.end()
    return image


Frame = tuple[int, int, bytes]  # width, height, RGB bytes (rows packed), zlib-packed
# packed because frames wait for the encoder: a 1280 × 400 frame is 1.5 MB raw, ~50 KB packed (mostly
# flat colour), so 1,000 of them hold ~50 MB instead of 1.5 GB


def frame_bytes(image: QImage) -> Frame:
    """A frame's pixels, to hand to another thread (a QImage belongs to the one that drew it)."""
    image = image.convertToFormat(QImage.Format.Format_RGB888)
    width, height, line = image.width(), image.height(), image.bytesPerLine()
    raw = bytes(image.constBits())[: line * height]
    rows = b"".join(raw[y * line: y * line + 3 * width] for y in range(height)) if line != 3 * width else raw
    return width, height, zlib.compress(rows, 1)


def encode(frames: list[Frame], kind: str, fps: float,
           progress: Callable[[int, int], bool] | None = None) -> bytes:
    """The frames as one animated GIF or APNG, looping; the same frames give the same bytes."""
    if not frames:
        raise ValueError("no frames to write")
    first = _unpack(frames[0])
    palette = _palette(first, _unpack(frames[-1])) if kind == "gif" else None
    rest = _Unpacked(frames, palette, progress)
    out = io.BytesIO()
    duration = round(1000 / fps)
    if palette is not None:
        first.quantize(palette=palette, dither=Image.Dither.NONE).save(
            out, format="GIF", save_all=True, append_images=rest, duration=duration, loop=0, optimize=False,
            disposal=1)
    else:
        first.save(out, format="PNG", save_all=True, append_images=rest, duration=duration, loop=0,
                   default_image=False)
    if progress is not None:
        progress(len(frames), len(frames))
    return out.getvalue()


def _palette(first: Image.Image, last: Image.Image) -> Image.Image:
    """One palette for every GIF frame, from the first and the last together (the first frame of
    the curves has none of their colours yet; the last has them all): a frame then differs from the
    one before only where the picture moved (a GIF stores just that), and the same frames give the
    same bytes."""
    both = Image.new("RGB", (first.width, first.height + last.height))
    both.paste(first, (0, 0))
    both.paste(last, (0, first.height))
    return both.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)


def _unpack(frame: Frame) -> Image.Image:
    width, height, packed = frame
    return Image.frombytes("RGB", (width, height), zlib.decompress(packed))


class _Unpacked:
    """Frames 2 … n unpacked one at a time as Pillow asks for them (it walks an APNG's twice), so
    that only Pillow's own copies are held; Cancel is answered between frames."""

    def __init__(self, frames: list[Frame], palette: Image.Image | None,
                 progress: Callable[[int, int], bool] | None):
        self.frames, self.palette, self.progress = frames, palette, progress

    def __iter__(self):
        for done, frame in enumerate(self.frames[1:], start=1):
            if self.progress is not None and not self.progress(done, len(self.frames)):
                raise Cancelled
            image = _unpack(frame)
            yield image if self.palette is None else image.quantize(palette=self.palette, dither=Image.Dither.NONE)


def render_frames(renderer: FrameRenderer, iterations: Iterable[int]) -> list[Frame]:
    return [frame_bytes(renderer.frame(k)) for k in iterations]


def renderer_for(window: MainWindow, spec: AnimationSpec) -> FrameRenderer:
    """A renderer of the window's log as it is now (training may go on: the log only grows)."""
    controller = window.controller
    assert controller.state is not None  # a window shows a session
    log = controller.log.shared()
    spec.check(log)
    plot = window.views.error_plot
    return FrameRenderer(log, controller.state, spec, digits=window.views.network_view.digits,
                         log_scale=plot.log_scale.isChecked())


def animation_bytes(window: MainWindow, spec: AnimationSpec) -> bytes:
    """The whole animation at once (on the GUI thread: for tests and the command line)."""
    renderer = renderer_for(window, spec)
    try:
        frames = render_frames(renderer, range(spec.first, spec.last + 1))
    finally:
        renderer.close()
    return encode(frames, spec.kind, spec.fps)


class AnimationExport(QObject):
    """Draws the frames a few at a time on the GUI thread (progress, Cancel), then encodes and
    writes them on the window's file job; ``finished(ok, message)`` at the end (ok False and an
    empty message: cancelled)."""

    finished = Signal(bool, str)

    def __init__(self, window: MainWindow, spec: AnimationSpec, path: str):
        super().__init__(window)
        self.window, self.spec, self.path = window, spec, path
        self.renderer = renderer_for(window, spec)  # raises ValueError for a spec out of range
        self.frames: list[Frame] = []
        self._next = spec.first
        self.dialog: QProgressDialog | None = QProgressDialog(f"Drawing {spec.frames:,} frames…", "Cancel", 0,
                                                              spec.frames, window)
        self.dialog.setWindowTitle("Export animation")
        self.dialog.setMinimumDuration(300)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.canceled.connect(self.cancel)
        self.timer = QTimer(self)
        self.timer.setInterval(0)
        self.timer.timeout.connect(self._draw_some)

    def start(self) -> None:
        self.timer.start()

    def cancel(self) -> None:
        if self.timer.isActive():
            self.timer.stop()
            self._end(False, "")

    def _draw_some(self) -> None:
        started = time.perf_counter()
        while self._next <= self.spec.last and time.perf_counter() - started < DRAW_MS / 1000:
            self.frames.append(frame_bytes(self.renderer.frame(self._next)))
            self._next += 1
        if self.dialog is not None:
            self.dialog.setValue(len(self.frames))
        if self._next > self.spec.last:
            self.timer.stop()
            self._write()

    def _close_dialog(self) -> None:
        if self.dialog is not None:
            self.dialog.reset()
            self.dialog.deleteLater()
            self.dialog = None

    def _write(self) -> None:
        self.renderer.close()
        self._close_dialog()
        frames, spec, path = self.frames, self.spec, self.path
        self.frames = []

        def work(progress):
            data = encode(frames, spec.kind, spec.fps, progress)
            with atomic_write(path, "wb") as file:
                file.write(data)
            return len(data)

        def done(ok: bool, result) -> None:
            if ok:
                self._end(True, f"{spec.frames:,} frames ({result / 1e6:.1f} MB) saved as {path}")
            else:
                self._end(False, result or "")

        self.window.files.jobs.start("Export animation", f"Writing {spec.frames:,} frames…", work,
                                     lambda exc: f"Could not write {path}: {exc}", done)

    def _end(self, ok: bool, message: str) -> None:
        if self.timer.isActive():
            self.timer.stop()
        self.renderer.close()
        self._close_dialog()
        self.finished.emit(ok, message)
        self.deleteLater()


class AnimationDialog(QDialog):
    """What to record: the view, iterations a to b, the frame rate and the format."""

    def __init__(self, window: MainWindow):
        super().__init__(window)
        self.setWindowTitle("Export animation")
        log = window.controller.log
        low, high = log.first_iteration - 1, log.last_iteration
        self.view_box = QComboBox()
        for key, text in VIEWS.items():
            self.view_box.addItem(text, key)
        self.first_box, self.last_box = QSpinBox(), QSpinBox()
        for box in (self.first_box, self.last_box):
            box.setRange(low, high)
            box.setGroupSeparatorShown(True)
        self.first_box.setValue(max(low, high - min(high - low, 100) + 1) if high > low else low)
        self.last_box.setValue(high)
        self.fps_box = QSpinBox()
        self.fps_box.setRange(1, 50)
        self.fps_box.setValue(10)
        self.fps_box.setSuffix(" frames a second")
        self.format_box = QComboBox()
        self.format_box.addItem("Animated GIF", "gif")
        self.format_box.addItem("Animated PNG (APNG)", "apng")
        self.count = QLabel()
        for box in (self.first_box, self.last_box):
            box.valueChanged.connect(self._count)
        form = QFormLayout(self)
        form.addRow("View:", self.view_box)
        form.addRow("From iteration:", self.first_box)
        form.addRow("To iteration:", self.last_box)
        form.addRow("Speed:", self.fps_box)
        form.addRow("Format:", self.format_box)
        form.addRow(self.count)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self._count()

    def _count(self) -> None:
        frames = self.last_box.value() - self.first_box.value() + 1
        self.count.setText(f"One frame an iteration: {max(frames, 0):,} frames")

    def spec(self) -> AnimationSpec:
        return AnimationSpec(self.view_box.currentData(), self.first_box.value(), self.last_box.value(),
                             float(self.fps_box.value()), self.format_box.currentData())


def export_animation(window: MainWindow) -> AnimationExport | None:
    """File → Export animation…: the dialog, a file name, then the export (None if none started)."""
    if window.controller.log.count == 0:
        QMessageBox.information(window, "Export animation", "There is nothing to record yet: train first.")
        return None
    if window.files.busy:
        window.status.show_message("Another file is being written or read: wait for it, or cancel it.")
        return None
    state = window.controller.state
    if state is not None and state.playing:
        window.status.show_message("Pause training first: an animation is drawn from the log as it stands.")
        return None
    dialog = AnimationDialog(window)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    spec = dialog.spec()
    extension = "gif" if spec.kind == "gif" else "png"
    folder = str(window.settings.value("folders/animation", ""))
    name = f"gdviz-{spec.view}-{spec.first}-{spec.last}.{extension}"
    path, _ = QFileDialog.getSaveFileName(window, "Export animation", str(Path(folder) / name) if folder else name,
                                          FORMATS[spec.kind])
    if not path:
        return None
    window.settings.setValue("folders/animation", str(Path(path).parent))
    try:
        export = AnimationExport(window, spec, path)
    except ValueError as exc:
        QMessageBox.warning(window, "Export animation", f"{exc}.")
        return None

    def finished(ok: bool, message: str) -> None:
        if ok:
            window.status.show_message(message)
        elif message:
            QMessageBox.critical(window, "Export animation failed", message)
        else:
            window.status.show_message("Animation cancelled; nothing was written.")

    export.finished.connect(finished)
    export.start()
    return export
