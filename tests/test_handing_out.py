"""Handing out a moment (issue 23, point 5): a session opens exactly as it was saved — the
iteration shown, the tab, log scale, legend, the curves drawn, the ghost runs, the Run N count,
the zoom — and File → Open recent lists it."""

import zipfile

from conftest import run, shown, sync, wait_for_files
from PySide6.QtWidgets import QFileDialog

from gdviz.ui import recent, zoom


def test_a_session_opens_as_it_was_saved(make_window, qtbot, tmp_path, monkeypatch):
    """Checked: without moment_view.restore in open_session the second window opens on the curves
    tab at 100 % with no pins, and this fails."""
    win = make_window("multi-in-out")
    run(qtbot, win, 40)
    win.controller.pin_run()
    run(qtbot, win, 20)
    win.controller.show_iteration(25)
    plot = win.views.error_plot
    plot.log_scale.setChecked(True)
    plot.follow.setChecked(False)
    plot.show_outputs([0, 2])
    win.actions.legend.trigger()  # off
    win.controls.run_field.setValue(250)
    win.views.tabs.setCurrentIndex(1)
    win.actions.set_zoom(1.25)
    shown(qtbot)
    path = tmp_path / "moment.gdviz"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))
    assert win.files.save_session()
    wait_for_files(qtbot, win)
    with zipfile.ZipFile(path) as archive:
        assert {info.compress_type for info in archive.infolist()} == {zipfile.ZIP_DEFLATED}
    assert recent.files(win.settings)[0] == str(path.resolve())
    win.actions.set_zoom(1.0)

    other = make_window("single")
    assert zoom.factor() == 1.0
    other.files.open_session(str(path))
    wait_for_files(qtbot, other)
    sync(qtbot, other)
    plot = other.views.error_plot
    assert other.controller.shown_iteration == 25 and other.controller.last_iteration == 60
    assert other.views.tabs.currentIndex() == 1
    assert plot.log_scale.isChecked() and other.actions.log_scale.isChecked()
    assert not plot.follow.isChecked()
    assert [curve.visible for curve in plot.curves] == [True, False, True]
    assert not other.actions.legend.isChecked() and not plot.legend.isVisibleTo(plot)
    assert other.controls.run_field.value() == 250
    assert zoom.factor() == 1.25
    assert [pin.label for pin in other.controller.pins] == [pin.label for pin in win.controller.pins]
    assert list(other.controller.pins[0].errors) == list(win.controller.pins[0].errors)
    assert [label for label, _ghost in plot.pinned] == [pin.label for pin in win.controller.pins]
    other.actions.set_zoom(1.0)


def test_open_recent_lists_the_sessions_newest_first(window, qtbot, tmp_path, monkeypatch):
    opened = []
    monkeypatch.setattr(window.files, "open_session", lambda path=None: opened.append(path))
    for name in ("a.gdviz", "b.gdviz", "a.gdviz"):
        (tmp_path / name).write_bytes(b"")
        recent.remember(window.settings, str(tmp_path / name))
    menu = window.actions.recent_menu
    menu.aboutToShow.emit()
    items = [action for action in menu.actions() if not action.isSeparator()]
    assert [action.text() for action in items[:2]] == ["&1  a.gdviz", "&2  b.gdviz"]
    items[1].trigger()
    assert opened == [str((tmp_path / "b.gdviz").resolve())]
    (tmp_path / "b.gdviz").unlink()
    menu.aboutToShow.emit()
    assert not menu.actions()[1].isEnabled()  # gone from the disk: shown, not offered
    menu.actions()[-1].trigger()  # Clear the list
    assert recent.files(window.settings) == []
