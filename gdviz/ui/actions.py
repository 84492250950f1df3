"""The window's menus and their shortcuts (File, Edit, Training, View, Help)."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMenu, QMessageBox

import gdviz
from gdviz.core.numbers import DIGIT_CHOICES, Digits
from gdviz.ui import animation, keys, pictures, recent, style, zoom
from gdviz.ui.data_files import DataFiles
from gdviz.ui.precision import save_digits, saved_digits

if TYPE_CHECKING:
    from gdviz.ui.main_window import MainWindow


class Actions:
    """Every menu item, as ``window.actions.step`` and so on; built into ``window``'s menu bar."""

    def __init__(self, window: MainWindow):
        self.window = window
        controller, files = window.controller, window.files
        add = self._action
        self.open = add("&Open session…", lambda: files.open_session(), ["Ctrl+O"],
                        "Open a saved session (network, data, weights, settings, log)")
        self.save = add("&Save session…", lambda: files.save_session(True), ["Ctrl+S"],
                        "Save this session: network, data, weights, settings and the log")
        self.save_small = add("Save session &without the log…", lambda: files.save_session(False),
                              tip="Save the settings and the current weights only: a small file to share")
        self.export = add("&Export iteration log…", files.export_log, ["Ctrl+E"],
                          "Save every iteration's numbers as a CSV file")
        self.data_files = DataFiles(window, controller, files)
        self.import_data = add("&Import data…", lambda: self.data_files.import_data(), ["Ctrl+I"],
                               "Your own data: a CSV or TSV file; choose its inputs, targets or class column")
        self.export_data = add("E&xport data…", self.data_files.export_data,
                               tip="Save the data set (names and values) as a CSV file")
        self.export_picture = add("Export &picture…", lambda: pictures.export_picture(window), ["Ctrl+Shift+E"],
                                  "Save the diagram, the curves, the bowls or the surface as SVG or PNG")
        self.export_animation = add("Export &animation…", lambda: animation.export_animation(window), (),
                                    "Record iterations a to b of the diagram or the curves as an animated GIF or APNG")
        self.copy_picture = add("Copy &picture", lambda: self._copy_picture(), ["Ctrl+Shift+C"],
                                "Put the view under the mouse (or focused) on the clipboard, at 2×")
        self.quit = add("&Quit", window.close, ["Ctrl+Q"])
        self.undo = controller.undo_stack.createUndoAction(window, "&Undo")
        self.undo.setShortcuts([QKeySequence("Ctrl+Z")])
        self.redo = controller.undo_stack.createRedoAction(window, "&Redo")
        self.redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        for action in (self.undo, self.redo):
            window.addAction(action)
        self.step = add("&Step", window.step, ["S"], "One iteration (S; Right at the end of the log)")
        self.forward = add("&Forward", window.forward, ["Right"],
                           "The next iteration of the log; at its end, a new one (Right)")
        self.back = add("&Back", controller.step_back, ["Left"], "Back one iteration (Left)")
        self.first = add("First iteration", lambda: controller.show_iteration(0), ["Home"])
        self.latest = add("Latest iteration", lambda: controller.show_iteration(None), ["End"])
        self.page_back = add("Back a tenth", lambda: window.page(-1), ["PgUp"])
        self.page_forward = add("Forward a tenth", lambda: window.page(1), ["PgDown"])
        self.play = add("&Play", window.toggle_play, ["Space"], "Play or pause (Space)")
        self.run = add("&Run N iterations", window.run_n, ["Ctrl+R"],
                       "Run the chosen number of iterations as fast as possible (Ctrl+R)")
        self.reset = add("R&eset", window.reset, ["R"],
                         "Back to the initial weights; the log is cleared (R; Ctrl+Z undoes it)")
        self.pin = add("&Pin run", controller.pin_run, ["P"],
                       "Keep this run's total error curve as a ghost to compare with (P)")
        self.log_scale = add("&Log-scale error axis", self._set_log_scale, ["L"], checkable=True)
        self.legend = add("Le&gend", self._set_legend, checkable=True)
        self.legend.setChecked(window.settings.value("view/legend", "true") != "false")
        self.tabs = [add(name, lambda _on=False, k=k: window.views.tabs.setCurrentIndex(k), [f"Ctrl+{k + 1}"],
                         f"Show the {name.replace('&', '').lower()} under the diagram (Ctrl+{k + 1})")
                     for k, name in enumerate(("Error &curves", "Error &bowls", "Error s&urface"))]
        self.weight_images = add("&Weight images", self._show_weight_images, ["Ctrl+4"],
                                 "Inputs that form an image: each output's weights drawn as an image (Ctrl+4)")
        self.confusion = add("Co&nfusion table", self._show_confusion, ["Ctrl+5"],
                             "Data with classes: which class each class's examples are taken for (Ctrl+5)")
        self.zoom_in = add("Zoom &in", lambda: self.set_zoom(zoom.step(1)), ["Ctrl++", "Ctrl+="],
                           "Every text in the window larger, up to 300 % (Ctrl++): for a projector")
        self.zoom_out = add("Zoom &out", lambda: self.set_zoom(zoom.step(-1)), ["Ctrl+-"],
                            "Every text in the window smaller, down to 75 % (Ctrl+−)")
        self.zoom_reset = add("&Actual size", lambda: self.set_zoom(1.0), ["Ctrl+0"], "Every text at 100 % (Ctrl+0)")
        self.full_screen = add("&Full screen", self._set_full_screen, ["F11"], "The whole screen (F11)",
                               checkable=True)
        self.lesson = add("&Lesson through the chapter", window.open_lesson, ["F2"],
                          "A guided lesson: about ten steps, each setting up the window and asking one question (F2)")
        self.shortcuts = add("&Keyboard shortcuts", self.show_shortcuts, ["F1"])
        self.about = add("&About gdviz", self.show_about)
        self.theme_group = QActionGroup(window)
        self.digits_group = QActionGroup(window)  # View → Digits: one of three, for every number shown
        self.digits = {digits: self._digits_action(digits) for digits in DIGIT_CHOICES}
        self._build_menus()
        self.set_digits(saved_digits(window.settings), remember=False)
        self.set_zoom(zoom.saved(window.settings), remember=False)

    def _action(self, text: str, slot, shortcuts=(), tip: str = "", checkable: bool = False) -> QAction:
        action = QAction(text, self.window)
        action.setShortcuts([QKeySequence(s) for s in shortcuts])
        action.setToolTip(tip or text.replace("&", ""))
        action.setStatusTip(tip or text.replace("&", ""))
        action.setCheckable(checkable)
        action.triggered.connect(slot)
        self.window.addAction(action)
        return action

    def _digits_action(self, digits: Digits) -> QAction:
        text = "&Every digit" if digits is None else f"&{digits} significant digits"
        tip = ("Every number with every digit (the shortest text that reads back as the same float)"
               if digits is None else f"Every number with {digits} significant digits")
        action = self._action(text, partial(self.set_digits, digits), tip=tip, checkable=True)
        self.digits_group.addAction(action)
        return action

    def set_digits(self, digits: Digits, remember: bool = True) -> None:
        """View → Digits: the diagram, the tables and the arithmetic all write numbers with ``digits``
        significant digits (None: every digit); remembered for the next start."""
        window = self.window
        self.digits[digits].setChecked(True)
        if remember:
            save_digits(digits, window.settings)
        window.views.network_view.set_digits(digits)
        if window.views.weight_images is not None:
            window.views.weight_images.set_digits(digits)
        window.tables.set_digits(digits)
        window.status.set_digits(digits)
        data_model = getattr(window.controls, "data_model", None)  # made with the first session
        if data_model is not None:
            data_model.set_digits(digits)
        window._show_now()

    def _build_menus(self) -> None:
        bar = self.window.menuBar()
        menus = {
            "&File": (self.open, self.save, self.save_small, None, self.import_data, self.export, self.export_picture,
                      None, self.quit),
            "&Data": (self.import_data, self.export_data, None,  # then the data table's own edits
                      *(self.window.controls.data_editor.actions[key] for key in (
                          "add_example", "remove_examples", "add_input", "add_output", "remove_columns",
                          "rename", "copy", "paste"))),
            "&Edit": (self.undo, self.redo, None, self.copy_picture),
            "&Training": (self.step, self.play, self.run, self.reset, None, self.back, self.forward,
                          self.page_back, self.page_forward, self.first, self.latest),
            "&View": (*self.tabs, self.weight_images, self.confusion, None, self.log_scale, self.legend, self.pin,
                      None, self.zoom_in, self.zoom_out, self.zoom_reset, self.full_screen),
            "&Help": (self.lesson, None, self.shortcuts, self.about),
        }
        for title, items in menus.items():
            menu = bar.addMenu(title)
            for item in items:
                menu.addSeparator() if item is None else menu.addAction(item)
            if title == "&File":  # File → Open recent, under Open
                self.recent_menu = QMenu("Open &recent", menu)
                self.recent_menu.aboutToShow.connect(
                    lambda: recent.fill(self.recent_menu, self.window.settings, self.window.files.open_session))
                menu.insertMenu(self.save, self.recent_menu)
            if title == "&View":
                digits = menu.addMenu("&Digits")
                digits.setToolTipsVisible(True)
                for action in self.digits.values():
                    digits.addAction(action)
                themes = menu.addMenu("&Theme")
                for name in style.THEMES:
                    action = themes.addAction(name, partial(self.window.apply_theme, name, remember=True))
                    action.setCheckable(True)
                    self.theme_group.addAction(action)

    def set_zoom(self, value: float, remember: bool = True) -> None:
        """View → Zoom: every text in the window at ``value`` times its size (75 %–300 %), remembered."""
        old, value = zoom.factor(), zoom.apply(value)
        # the status bar's labels are as wide as their widest text: measured again once the new
        # font has reached them (Qt posts the change to each widget)
        QTimer.singleShot(0, self.window, partial(self._fit_status, old, value))  # (not after the window)
        # the controls scroll sideways too when their text outgrows the column (at 100 % they fit)
        self.window.controls.setHorizontalScrollBarPolicy(
            Qt.ScrollBarPolicy.ScrollBarAsNeeded if value > 1 else Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        if remember:
            self.window.settings.setValue(zoom.KEY, value)
        self.zoom_in.setEnabled(value < zoom.STEPS[-1])
        self.zoom_out.setEnabled(value > zoom.STEPS[0])
        self.window.views.network_view.update()
        zoom.rescale_plots(self.window)
        if value != 1.0 or remember:
            self.window.status.show_message(f"Text at {round(value * 100)} %")

    def _copy_picture(self) -> None:
        view = pictures.copy_picture(self.window)
        self.window.status.show_message(f"{pictures.VIEWS[view]} copied as a picture")

    def _fit_status(self, old: float, value: float) -> None:
        status = self.window.status
        zoom.rescale_fixed_widths([status.iteration_label, status.rate_label, status.memory_label], old, value)
        status.set_digits(status.digits)

    def _set_full_screen(self, on: bool) -> None:
        window = self.window
        window.showFullScreen() if on else window.showNormal()

    def _show_confusion(self) -> None:
        views = self.window.views
        index = views.tabs.indexOf(views.confusion) if views.confusion is not None else -1
        if index >= 0 and views.tabs.isTabVisible(index):
            views.tabs.setCurrentIndex(index)
        else:
            self.window.status.show_message("No confusion table: the targets are not one class per example "
                                            "(as the digits' are).")

    def _show_weight_images(self) -> None:
        views = self.window.views
        if views.weight_images is not None:
            views.tabs.setCurrentWidget(views.weight_images)
        else:
            self.window.status.show_message("No weight images: the inputs do not form an image (a square number "
                                            "of them, 16 or more, or a size named when the data was imported).")

    def _set_log_scale(self, on: bool) -> None:
        self.window.views.error_plot.log_scale.setChecked(on)

    def _set_legend(self, on: bool) -> None:
        self.window.settings.setValue("view/legend", "true" if on else "false")
        self.window.views.error_plot.set_legend_visible(on)

    def show_shortcuts(self) -> None:
        rows = "".join(f"<tr><td><b>{k}</b>&nbsp;&nbsp;</td><td>{w}</td></tr>" for k, w in keys.SHORTCUTS)
        QMessageBox.information(self.window, "Keyboard shortcuts", f"<table>{rows}</table><p>{keys.NOTE}</p>")

    def show_about(self) -> None:
        QMessageBox.about(self.window, "About gdviz", (
            f"<b>gdviz {gdviz.__version__}</b> — watch gradient descent generalise.<br><br>"
            "pred = weights · input, delta = pred − target, error = delta²,<br>"
            "weight_delta = delta × input, weight −= alpha × weight_delta.<br><br>"
            "After the chapter “Generalizing gradient descent” of <i>Grokking Deep Learning</i>."))
