"""Projector mode: View → Zoom in / Zoom out / Actual size scales every text in the window.

The application's font carries most of it: every widget without a font of its own (controls,
tables, the arithmetic, the curves' legend, pyqtgraph's axes, whose scenes follow the
application's font) grows with it. The few texts drawn at a size of their own (the diagram's
labels, the bowls' titles and ticks) multiply that size by :func:`factor`.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QSettings
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QWidget

STEPS = (0.75, 0.9, 1.0, 1.1, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0)
"""The zooms View → Zoom in / out steps through: 75 % to 300 %."""

KEY = "view/zoom"

_factor = 1.0
_base: QFont | None = None  # the application's font at 100 %, taken before the first zoom


def factor() -> float:
    """The zoom in force (1.0 at 100 %)."""
    return _factor


def scaled(points: float) -> float:
    """A text size given at 100 %, at the zoom in force."""
    return points * _factor


def nearest(value: float) -> float:
    """The step nearest ``value`` (a remembered zoom read back, or a stray number)."""
    return min(STEPS, key=lambda step: abs(step - value))


def base_font() -> QFont:
    """The application's font at 100 %."""
    global _base
    if _base is None:
        _base = QFont(QApplication.font())
    return QFont(_base)


def apply(value: float) -> float:
    """Make every text ``value`` times its 100 % size (the nearest step); returns the step applied."""
    global _factor
    value = nearest(value)
    font = base_font()
    if font.pointSizeF() > 0:
        font.setPointSizeF(font.pointSizeF() * value)
    else:  # a font given in pixels
        font.setPixelSize(max(1, round(font.pixelSize() * value)))
    _factor = value
    QApplication.setFont(font)
    return value


def rescale_plots(root: QWidget) -> None:
    """The axis titles of every plot under ``root`` at the application's font: pyqtgraph draws
    the ticks with its scene's font, which follows the application's, but each axis title is a
    text item that keeps the font it was made with."""
    font = QApplication.font()
    for view in root.findChildren(pg.GraphicsView):
        scene = view.scene()
        if scene is None:
            continue
        for item in scene.items():
            if isinstance(item, pg.AxisItem) and item.label is not None:
                item.label.setFont(font)
                item._adjustSize()  # the axis as wide as its title and ticks now are
                item.picture = None
                item.update()


def rescale_fixed_widths(widgets: list[QWidget], old: float, new: float) -> None:
    """Widgets given a fixed width for their widest text (the status bar's labels) at zoom ``old``:
    that width at zoom ``new`` (text widths grow with the font's size)."""
    for widget in widgets:
        base = widget.property("gdviz_base_width")
        if base is None:
            base = widget.width() / old
            widget.setProperty("gdviz_base_width", base)
        widget.setFixedSize(round(float(base) * new), widget.sizeHint().height())


def step(direction: int) -> float:
    """The next zoom in (1) or out (-1) from the one in force, clamped to 75 %–300 %."""
    index = STEPS.index(nearest(_factor)) + direction
    return STEPS[max(0, min(len(STEPS) - 1, index))]


def saved(settings: QSettings) -> float:
    try:
        value = float(str(settings.value(KEY, 1.0)))
    except ValueError:
        return 1.0
    return nearest(value) if value == value else 1.0  # NaN: 100 %
