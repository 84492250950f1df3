"""Pictures for slides (issue 23, point 3): File → Export picture… and Edit → Copy picture."""

import xml.etree.ElementTree as ET

import pytest
from conftest import shown
from PySide6.QtCore import QPoint, QSize
from PySide6.QtGui import QGuiApplication, QImage
from PySide6.QtWidgets import QDialog, QFileDialog

from gdviz.ui import pictures

SVG = "{http://www.w3.org/2000/svg}"


def svg_texts(data: bytes) -> list[str]:
    root = ET.fromstring(data)  # raises unless the file is well-formed XML
    assert root.tag == f"{SVG}svg"
    return [" ".join("".join(element.itertext()).split()) for element in root.iter(f"{SVG}text")]


def test_the_diagram_as_svg_keeps_its_names_as_text(window, qtbot):
    """The SVG parses as XML and every node's name is a <text> element (with its value), so a
    slide can be edited and searched. Checked: drawing the diagram into a QImage and that into
    the SVG leaves no <text> at all, and this fails."""
    shown(qtbot)
    texts = svg_texts(pictures.picture_bytes(window, "diagram", "svg"))
    for name in ("toes", "wlrec", "nfans", "hurt", "win", "sad"):
        assert any(text.split()[0] == name for text in texts), (name, texts)
    assert "toes 8.5" in texts
    assert "initial weights (iteration 0)" in texts


@pytest.mark.parametrize("view", ["curves", "bowls", "surface"])
def test_each_plot_as_svg_is_vectors_and_text(window, qtbot, view):
    shown(qtbot)
    data = pictures.picture_bytes(window, view, "svg")
    texts = svg_texts(data)
    assert texts, view
    root = ET.fromstring(data)
    assert any(True for _ in root.iter(f"{SVG}path")) or any(True for _ in root.iter(f"{SVG}polyline"))
    if view == "curves":
        assert "iteration" in texts
    if view == "bowls":
        assert "toes→hurt" in texts


@pytest.mark.parametrize("view", list(pictures.VIEWS))
def test_png_at_2x_and_4x_has_twice_and_four_times_the_pixels(window, qtbot, view):
    shown(qtbot)
    one, two, four = (QImage.fromData(pictures.picture_bytes(window, view, "png", scale)) for scale in (1, 2, 4))
    widget = pictures.view_widget(window, view)
    assert one.size() == widget.size() and not one.isNull()
    assert two.size() == QSize(2 * one.width(), 2 * one.height())
    assert four.size() == QSize(4 * one.width(), 4 * one.height())


def test_export_picture_from_the_file_menu(window, qtbot, tmp_path, monkeypatch):
    """File → Export picture…: the view and format chosen, a file name asked, the file written."""
    target = tmp_path / "slide.png"

    def choose(dialog):
        dialog.view_box.setCurrentIndex(list(pictures.VIEWS).index("bowls"))
        dialog.format_box.setCurrentText("PNG at 2×")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(pictures.PictureDialog, "exec", choose)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    window.actions.export_picture.trigger()
    image = QImage(str(target))
    assert image.size() == 2 * window.views.bowls.graphics.size()
    assert window.views.tabs.currentWidget() is window.views.bowls  # the picture is of what is shown
    assert "saved" in window.status.message.full_text()


def test_copy_picture_puts_the_focused_view_on_the_clipboard(window, qtbot):
    """(The mouse away from every view: the view under it would be copied first; an earlier test
    left it over the curves, and this copied them.)"""
    from PySide6.QtGui import QCursor

    window.views.network_view.setFocus()
    shown(qtbot)
    QCursor.setPos(window.mapToGlobal(window.rect().bottomRight()) + QPoint(40, 40))
    assert pictures.view_under_mouse(window) == "diagram"
    window.actions.copy_picture.trigger()
    image = QGuiApplication.clipboard().image()
    assert image.size() == 2 * window.views.network_view.size()


def test_a_picture_refuses_unknown_views_and_scales(window):
    with pytest.raises(ValueError):
        pictures.picture_bytes(window, "weights", "png")
    with pytest.raises(ValueError):
        pictures.picture_bytes(window, "diagram", "png", 3)
    with pytest.raises(ValueError):
        pictures.picture_bytes(window, "diagram", "jpeg")
