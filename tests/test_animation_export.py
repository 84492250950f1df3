"""Animations for slides (issue 23, point 4): File → Export animation… draws iterations a to b
from the log, one frame each, as an animated GIF or APNG, on a background job with Cancel."""

import io

import pytest
from conftest import run, shown, sync, wait_for_files
from PIL import Image
from PySide6.QtWidgets import QDialog, QFileDialog, QPushButton

from gdviz.ui import animation
from gdviz.ui.animation import AnimationSpec


def frames_of(data: bytes) -> list[Image.Image]:
    image = Image.open(io.BytesIO(data))
    frames = []
    for k in range(image.n_frames):
        image.seek(k)
        frames.append(image.convert("RGB"))
    return frames


@pytest.fixture
def trained(window, qtbot):
    run(qtbot, window, 100)
    assert window.controller.log.last_iteration == 100
    return window


def test_a_gif_of_100_iterations_has_100_frames_and_the_same_bytes_twice(trained, qtbot):
    """One frame an iteration, drawn from the log: exported twice (the window scrubbed and
    resized in between, which a screen capture would show), the same bytes. Checked: drawing
    the window's own diagram (its size and iteration shown) instead of the offscreen one makes
    the second file differ, and this fails."""
    win = trained
    spec = AnimationSpec("diagram", 1, 100, fps=10, kind="gif")
    first = animation.animation_bytes(win, spec)
    win.controller.show_iteration(37)
    win.resize(1100, 700)
    shown(qtbot)
    second = animation.animation_bytes(win, spec)
    assert first == second
    frames = frames_of(first)
    assert len(frames) == 100
    assert frames[0].size == animation.FRAME_SIZE
    assert len({frame.tobytes() for frame in frames}) == 100  # every iteration its own picture


def test_frames_follow_the_log(trained):
    """Frame k is iteration first + k: the diagram's weights caption says so, and the frames of
    iterations 1 and 2 differ where the weights moved."""
    win = trained
    renderer = animation.renderer_for(win, AnimationSpec("diagram", 0, 2))
    try:
        renderer.frame(2)
        assert renderer.diagram.weights_after == 2
        moment = win.controller.log.weights_at(2)  # the weights after iteration 2
        assert (renderer.diagram.weights == moment).all()
    finally:
        renderer.close()


@pytest.mark.parametrize("view, width", [("curves", 640), ("both", 1280)])
def test_apng_of_the_curves_or_both_side_by_side(trained, view, width):
    data = animation.animation_bytes(trained, AnimationSpec(view, 91, 100, fps=5, kind="apng"))
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and b"acTL" in data  # an animated PNG
    frames = frames_of(data)
    assert len(frames) == 10 and frames[0].size == (width, animation.FRAME_SIZE[1])
    assert Image.open(io.BytesIO(data)).info.get("duration") == 200


def test_an_animation_out_of_the_log_is_refused(trained):
    for spec in (AnimationSpec("diagram", 50, 101), AnimationSpec("diagram", 60, 50),
                 AnimationSpec("weights", 1, 2), AnimationSpec("diagram", 1, 2, kind="mp4"),
                 AnimationSpec("diagram", 1, 2, fps=0)):
        with pytest.raises(ValueError):
            animation.animation_bytes(trained, spec)


def choose(view, first, last, kind):
    def exec_(dialog):
        dialog.view_box.setCurrentIndex(list(animation.VIEWS).index(view))
        dialog.first_box.setValue(first)
        dialog.last_box.setValue(last)
        dialog.format_box.setCurrentIndex(0 if kind == "gif" else 1)
        return QDialog.DialogCode.Accepted
    return exec_


def test_export_animation_from_the_menu_in_the_background(trained, qtbot, tmp_path, monkeypatch):
    """File → Export animation…: the frames drawn between events, the file written by the
    window's file job; the window says where it went."""
    win = trained
    target = tmp_path / "lesson.gif"
    monkeypatch.setattr(animation.AnimationDialog, "exec", choose("both", 1, 30, "gif"))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    win.actions.export_animation.trigger()
    qtbot.waitUntil(lambda: "saved" in win.status.message.full_text(), timeout=60000)
    wait_for_files(qtbot, win)
    frames = frames_of(target.read_bytes())
    assert len(frames) == 30 and frames[0].size == (1280, 400)
    assert target.read_bytes() == animation.animation_bytes(win, AnimationSpec("both", 1, 30))


def test_cancel_while_drawing_writes_nothing(trained, qtbot, tmp_path, monkeypatch):
    win = trained
    target = tmp_path / "never.gif"
    export = animation.AnimationExport(win, AnimationSpec("diagram", 0, 100), str(target))
    results = []
    export.finished.connect(lambda ok, message: results.append((ok, message)))
    export.start()
    qtbot.waitUntil(lambda: len(export.frames) > 0, timeout=30000)
    export.dialog.findChild(QPushButton).click()  # the progress dialog's Cancel button
    assert results == [(False, "")]
    assert not target.exists()
    assert not win.files.busy


def test_cancel_while_writing_writes_nothing(trained, qtbot, tmp_path, monkeypatch):
    win = trained
    target = tmp_path / "never.gif"
    export = animation.AnimationExport(win, AnimationSpec("diagram", 0, 100), str(target))
    results = []
    export.finished.connect(lambda ok, message: results.append((ok, message)))
    real_encode = animation.encode

    def cancelled_encode(frames, kind, fps, progress=None):
        win.files.jobs.job.cancel()  # as the dialog's Cancel does
        return real_encode(frames, kind, fps, progress)

    monkeypatch.setattr(animation, "encode", cancelled_encode)
    export.start()
    qtbot.waitUntil(lambda: bool(results), timeout=60000)
    assert results == [(False, "")]
    assert not target.exists()


def test_export_animation_waits_for_a_pause(trained, qtbot, monkeypatch):
    win = trained
    opened = []
    monkeypatch.setattr(animation.AnimationDialog, "exec", lambda self: opened.append(self) or 0)
    win.toggle_play()
    qtbot.waitUntil(lambda: win.controller.state.playing)
    win.actions.export_animation.trigger()
    assert not opened and "Pause training first" in win.status.message.full_text()
    win.toggle_play()
    qtbot.waitUntil(lambda: not win.controller.state.playing)
    sync(qtbot, win)
    win.actions.export_animation.trigger()
    assert opened  # paused: the dialog opens (and is cancelled here)


def test_the_curves_keep_their_colours(trained):
    """Each output's curve colour is in the GIF: one palette serves every frame, taken from the
    first and the last (the first of a growing plot has no curve yet, only the legend's swatches).
    Checked: with the palette from the first frame alone and no legend, the curves came out blue,
    orange and black, and this fails."""
    import numpy as np

    from gdviz.ui import style

    frames = frames_of(animation.animation_bytes(trained, AnimationSpec("curves", 0, 30)))
    pixels = np.asarray(frames[-1], dtype=float).reshape(-1, 3)
    names = trained.controller.state.data.output_names
    for o in range(len(names)):
        colour = style.curve_colour(o, len(names))
        target = np.array([colour.red(), colour.green(), colour.blue()], dtype=float)
        assert np.abs(pixels - target).sum(axis=1).min() <= 30, names[o]
