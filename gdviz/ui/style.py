"""Colours and sizes of the window, for light and dark palettes alike.

Fixed hues carry meaning (blue: a positive weight, orange: a negative one); everything else
comes from the palette, so text, backgrounds and lines follow a light or a dark desktop (or
View → Theme).
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

POSITIVE = QColor(37, 99, 235)  # blue
NEGATIVE = QColor(234, 88, 12)  # orange
POSITIVE_ON_DARK = QColor(96, 165, 250)  # lighter, so thin lines stay visible on a dark base
NEGATIVE_ON_DARK = QColor(251, 146, 60)
ERROR_RED = QColor(220, 38, 38)
WARNING_ORANGE = QColor(194, 65, 12)
WARNING_ORANGE_ON_DARK = QColor(251, 146, 60)
HIGHLIGHT = QColor(250, 204, 21, 150)  # behind a chosen edge's lines of arithmetic
# what the current phase of an iteration touches (Step by phase): a green apart from both edge
# colours (blue, orange) in either theme, so a lit edge keeps its sign (tests/test_digits_and_moments.py)
PHASE = QColor(22, 163, 74, 190)
PHASE_ON_DARK = QColor(74, 222, 128, 170)
# eight curve colours that stay apart (no two closer than ΔE 30 in CIELAB; tests/test_pictures.py)
CURVE_COLOURS = ["#e11d48", "#16a34a", "#9333ea", "#0891b2", "#ea580c", "#1d4ed8", "#8c564b", "#a16207"]
CURVE_COLOURS_ON_DARK = ["#fb7185", "#4ade80", "#c084fc", "#22d3ee", "#fb923c", "#60a5fa", "#d6a77a", "#facc15"]
PIN_COLOURS = ["#64748b", "#0ea5e9", "#f97316", "#84cc16", "#d946ef"]

THEMES = ("System", "Light", "Dark")
FRAME_MS = 16  # the window repaints at most this often (≈ 60 Hz)
READABLE_HZ = 12  # tables, arithmetic, bowls and surface while playing: as often as anyone can read


def palette() -> QPalette:
    return QGuiApplication.palette()


def is_dark(pal: QPalette | None = None) -> bool:
    """Whether the window's background is dark (the text is lighter than the base)."""
    pal = pal or palette()
    return pal.color(QPalette.ColorRole.Base).lightnessF() < pal.color(QPalette.ColorRole.Text).lightnessF()


def sign_colour(value: float, pal: QPalette | None = None) -> QColor:
    dark = is_dark(pal)
    if value >= 0:
        return QColor(POSITIVE_ON_DARK if dark else POSITIVE)
    return QColor(NEGATIVE_ON_DARK if dark else NEGATIVE)


def curve_colour(index: int, count: int, pal: QPalette | None = None) -> QColor:
    """Output ``index``'s curve colour: eight distinct ones, then hues spread over the rest."""
    colours = CURVE_COLOURS_ON_DARK if is_dark(pal) else CURVE_COLOURS
    if count <= len(colours):
        return QColor(colours[index])
    hue = (index * 0.618033988749895) % 1.0  # the golden ratio: neighbours get far-apart hues
    return QColor.fromHsvF(hue, 0.75, 0.95 if is_dark(pal) else 0.7)


def phase_colour(pal: QPalette | None = None) -> QColor:
    """The glow of what the phase shown touches (Step by phase): its own colour, not an edge's."""
    return QColor(PHASE_ON_DARK if is_dark(pal) else PHASE)


def text_highlight(pal: QPalette | None = None) -> QColor:
    """Behind a highlighted line of text: yellow, faint enough on a dark base for light text to read."""
    colour = QColor(HIGHLIGHT)
    colour.setAlpha(55 if is_dark(pal) else 110)
    return colour


def warning_colour(pal: QPalette | None = None) -> QColor:
    return QColor(WARNING_ORANGE_ON_DARK if is_dark(pal) else WARNING_ORANGE)


def error_colour(pal: QPalette | None = None) -> QColor:
    return QColor("#f87171") if is_dark(pal) else QColor(ERROR_RED)


def luminance(colour: QColor) -> float:
    """WCAG relative luminance."""
    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(colour.redF()) + 0.7152 * channel(colour.greenF()) + 0.0722 * channel(colour.blueF())


def contrast(a: QColor, b: QColor) -> float:
    """WCAG contrast ratio of two opaque colours (1 to 21; 4.5 reads as normal text)."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def mix(over: QColor, under: QColor, share: float) -> QColor:
    """The opaque colour ``share`` of the way from ``under`` to ``over``."""
    return QColor.fromRgbF(*(share * getattr(over, c)() + (1 - share) * getattr(under, c)()
                             for c in ("redF", "greenF", "blueF")))


def blend(over: QColor, under: QColor) -> QColor:
    """``over`` (with its alpha) painted on ``under``: the colour a user sees."""
    return mix(over, under, over.alphaF())


def _palette(roles: dict[QPalette.ColorRole, str], disabled_text: str) -> QPalette:
    """A palette of ``roles``' colours; disabled text, in every text role, ``disabled_text``."""
    pal = QPalette()
    for role, colour in roles.items():
        pal.setColor(role, QColor(colour))
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        pal.setColor(QPalette.ColorGroup.Disabled, role, QColor(disabled_text))
    return pal


def dark_palette() -> QPalette:
    """A dark palette for View → Theme → Dark (Qt's Fusion style draws with it)."""
    role = QPalette.ColorRole
    return _palette({
        # fields and boxes lighter than the window around them, as in most dark themes, so that an
        # empty field or an unticked box stands out from the panel (Fusion draws their outline dark)
        role.Window: "#1f2329", role.WindowText: "#e5e7eb", role.Base: "#2b313a", role.AlternateBase: "#323843",
        role.ToolTipBase: "#2b3038", role.ToolTipText: "#e5e7eb", role.Text: "#e5e7eb", role.Button: "#353b45",
        role.ButtonText: "#e5e7eb", role.BrightText: "#ffffff", role.Highlight: "#3b82f6",
        role.HighlightedText: "#ffffff", role.Link: "#60a5fa", role.PlaceholderText: "#9ca3af",
        role.Light: "#4b5563", role.Midlight: "#3a404a", role.Mid: "#6b7280", role.Dark: "#111317",
        role.Shadow: "#000000",
    }, disabled_text="#6b7280")


def light_palette() -> QPalette:
    """A light palette for View → Theme → Light."""
    role = QPalette.ColorRole
    return _palette({
        role.Window: "#f3f4f6", role.WindowText: "#111827", role.Base: "#ffffff", role.AlternateBase: "#f3f4f6",
        role.ToolTipBase: "#ffffdc", role.ToolTipText: "#111827", role.Text: "#111827", role.Button: "#e5e7eb",
        role.ButtonText: "#111827", role.BrightText: "#ffffff", role.Highlight: "#2563eb",
        role.HighlightedText: "#ffffff", role.Link: "#1d4ed8", role.PlaceholderText: "#6b7280",
        role.Light: "#ffffff", role.Midlight: "#e5e7eb", role.Mid: "#9ca3af", role.Dark: "#6b7280",
        role.Shadow: "#000000",
    }, disabled_text="#9ca3af")


_system_look: tuple[str, QPalette] | None = None  # the desktop's own style and palette, before any theme


def apply_theme(name: str) -> str:
    """Give the application the look of theme ``name`` (System, Light or Dark); returns the name
    applied (System for an unknown one). Light and Dark draw with Qt's Fusion style."""
    global _system_look
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    if _system_look is None:
        _system_look = (app.style().name(), QPalette(app.palette()))
    if name not in THEMES:
        name = "System"
    if name == "System":
        app.setStyle(QStyleFactory.create(_system_look[0]))
        app.setPalette(_system_look[1])
    else:
        app.setStyle(QStyleFactory.create("Fusion"))
        app.setPalette(dark_palette() if name == "Dark" else light_palette())
    return name
