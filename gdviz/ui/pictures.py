"""Pictures for slides: File → Export picture… and Edit → Copy picture.

Each view (the diagram, the curves, the bowls, the surface) is drawn by the code that draws it
on screen, into an SVG (vectors, the text kept as text: Qt's SVG generator writes each string
as a ``<text>`` element) or a PNG at 1×, 2× or 4× its size on screen (drawn again at that
resolution, not enlarged).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPoint, QRect, QRectF, QSize
from PySide6.QtGui import QColor, QCursor, QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGraphicsView,
    QMessageBox,
    QWidget,
)

from gdviz.core.files import atomic_write, describe_error

if TYPE_CHECKING:
    from gdviz.ui.main_window import MainWindow

VIEWS = {"diagram": "The network diagram", "curves": "The error curves", "bowls": "The error bowls",
         "surface": "The error surface"}
"""What File → Export picture… can save, and how the dialog names each."""

SCALES = (1, 2, 4)
TABS = {"curves": 0, "bowls": 1, "surface": 2}  # each plot's tab under the diagram


def view_widget(window: MainWindow, view: str) -> QWidget:
    """The widget that draws ``view`` (a plot tab is shown first, and drawn, so its picture is
    the iteration shown: a hidden tab is not redrawn while hidden)."""
    views = window.views
    if view == "diagram":
        return views.network_view
    if view not in TABS:
        raise ValueError(f"no view called {view!r}: one of {', '.join(VIEWS)}")
    if views.tabs.currentIndex() != TABS[view]:
        views.tabs.setCurrentIndex(TABS[view])
        window.refresh_views(force=True)
    if view == "curves":
        return views.error_plot.plot
    if view == "bowls":
        assert views.bowls is not None
        return views.bowls.graphics
    assert views.surface is not None
    return views.surface.plot


def view_under_mouse(window: MainWindow) -> str:
    """The view under the mouse, else the one with the keyboard focus, else the diagram."""
    for widget in (QApplication.widgetAt(QCursor.pos()), QApplication.focusWidget()):
        while widget is not None and widget is not window:
            for view in VIEWS:
                if _is_view(window, view, widget):
                    return view
            widget = widget.parentWidget()
    return "diagram"


def _is_view(window: MainWindow, view: str, widget: QWidget) -> bool:
    views = window.views
    candidates = {"diagram": views.network_view, "curves": views.error_plot,
                  "bowls": views.bowls, "surface": views.surface}
    return candidates[view] is widget


def draw_widget(widget: QWidget, painter: QPainter) -> None:
    """``widget`` drawn by ``painter``: a plot's scene item by item (its curves stay vectors and
    its labels text, where rendering the widget would paint the view's cached pixels)."""
    if isinstance(widget, QGraphicsView):
        rect = widget.viewport().rect()
        widget.render(painter, QRectF(0, 0, rect.width(), rect.height()), rect)
    else:
        widget.render(painter, QPoint(0, 0))


def _background(widget: QWidget) -> QColor:
    return widget.palette().base().color()


def png_image(widget: QWidget, scale: int = 1) -> QImage:
    """``widget`` drawn at ``scale`` × its size in pixels (its text and lines drawn at that
    resolution)."""
    size = widget.size()
    image = QImage(size * scale, QImage.Format.Format_ARGB32_Premultiplied)
    image.setDevicePixelRatio(scale)
    image.fill(_background(widget))
    painter = QPainter(image)
    try:
        draw_widget(widget, painter)
    finally:
        painter.end()
    image.setDevicePixelRatio(1)  # the file says its pixels, not the screen's points
    return image


def png_bytes(widget: QWidget, scale: int = 1) -> bytes:
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    saved = png_image(widget, scale).save(buffer, "PNG")  # type: ignore[call-overload]  # (its stubs say bytes)
    if not saved:
        raise OSError("the picture could not be encoded as PNG")
    return bytes(buffer.data().data())


def svg_bytes(widget: QWidget, title: str = "gdviz") -> bytes:
    """``widget`` as an SVG document: its lines as vectors, its words as text."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    generator = QSvgGenerator()
    generator.setOutputDevice(buffer)
    size: QSize = widget.size()
    generator.setSize(size)
    generator.setViewBox(QRect(0, 0, size.width(), size.height()))
    generator.setTitle(title)
    generator.setDescription("Drawn by gdviz")
    painter = QPainter(generator)
    try:
        painter.fillRect(QRect(0, 0, size.width(), size.height()), _background(widget))
        draw_widget(widget, painter)
    finally:
        painter.end()
    buffer.close()
    return bytes(data.data())


def picture_bytes(window: MainWindow, view: str, kind: str, scale: int = 1) -> bytes:
    """``view``'s picture as ``kind`` ("svg" or "png", at ``scale`` × for a PNG)."""
    widget = view_widget(window, view)
    if kind == "svg":
        return svg_bytes(widget, f"gdviz: {VIEWS[view].lower()}")
    if kind == "png":
        if scale not in SCALES:
            raise ValueError(f"a PNG is 1×, 2× or 4× its size on screen, not {scale}×")
        return png_bytes(widget, scale)
    raise ValueError(f"a picture is SVG or PNG, not {kind!r}")


def copy_picture(window: MainWindow, view: str | None = None) -> str:
    """Edit → Copy picture: ``view`` (the one under the mouse or focused) on the clipboard, at 2×
    (sharp on a slide); returns the view copied."""
    view = view or view_under_mouse(window)
    image = png_image(view_widget(window, view), 2)
    clipboard = QGuiApplication.clipboard()
    clipboard.setImage(image)
    return view


FORMATS = {"SVG (vectors, text as text)": ("svg", 1), "PNG at 1×": ("png", 1), "PNG at 2×": ("png", 2),
           "PNG at 4×": ("png", 4)}


class PictureDialog(QDialog):
    """What to picture and in which format (then a file name is asked)."""

    def __init__(self, window: MainWindow, view: str):
        super().__init__(window)
        self.setWindowTitle("Export picture")
        self.view_box = QComboBox()
        for key, text in VIEWS.items():
            self.view_box.addItem(text, key)
        self.view_box.setCurrentIndex(list(VIEWS).index(view))
        self.format_box = QComboBox()
        for text, choice in FORMATS.items():
            self.format_box.addItem(text, choice)
        form = QFormLayout(self)
        form.addRow("View:", self.view_box)
        form.addRow("Format:", self.format_box)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def choice(self) -> tuple[str, str, int]:
        kind, scale = self.format_box.currentData()
        return self.view_box.currentData(), kind, scale


def save_picture(window: MainWindow, view: str, path: str, kind: str, scale: int = 1) -> None:
    data = picture_bytes(window, view, kind, scale)
    with atomic_write(path, "wb") as file:
        file.write(data)


def export_picture(window: MainWindow) -> None:
    """File → Export picture…: the view under the mouse (or focused) offered first."""
    dialog = PictureDialog(window, view_under_mouse(window))
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return
    view, kind, scale = dialog.choice()
    folder = str(window.settings.value("folders/picture", ""))
    suggested = str(Path(folder) / f"gdviz-{view}.{kind}") if folder else f"gdviz-{view}.{kind}"
    path, _ = QFileDialog.getSaveFileName(window, "Export picture", suggested,
                                          "SVG pictures (*.svg)" if kind == "svg" else "PNG pictures (*.png)")
    if not path:
        return
    window.settings.setValue("folders/picture", str(Path(path).parent))
    try:
        save_picture(window, view, path, kind, scale)
    except (OSError, ValueError) as exc:
        QMessageBox.warning(window, "Export picture", describe_error(exc, path) if isinstance(exc, OSError)
                            else str(exc))
        return
    window.status.show_message(f"{VIEWS[view]} saved as {path}")
