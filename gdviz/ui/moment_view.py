"""Handing out a moment: how the window shows a session, kept in its file and brought back.

:func:`capture` reads what the window shows beyond the session itself (the tab under the diagram,
the curves' options, the ghost runs, the Run N count, the zoom) as session.json's ``view``
(:mod:`gdviz.core.session_view`); :func:`restore` shows a session opened from a file that way.
The iteration shown is the session's own ``shown``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from gdviz.core.session_view import MAX_PIN_POINTS
from gdviz.ui import zoom
from gdviz.ui.controller import Pin

if TYPE_CHECKING:
    from gdviz.ui.main_window import MainWindow


def capture(window: MainWindow) -> dict[str, Any]:
    plot = window.views.error_plot
    view: dict[str, Any] = {"tab": max(window.views.tabs.currentIndex(), 0),
                            "run_count": int(window.controls.run_field.value()), "zoom": zoom.factor()}
    view.update(log_scale=plot.log_scale.isChecked(), legend=window.actions.legend.isChecked(),
                follow=plot.follow.isChecked(), cycle_mean=plot.cycle_mean.isChecked(),
                curves=[curve.visible for curve in plot.curves])
    view["pins"] = [_pin_document(pin) for pin in window.controller.pins]
    return view


def _pin_document(pin: Pin) -> dict[str, Any]:
    """A ghost run as the file keeps it: its finite points, thinned to at most MAX_PIN_POINTS."""
    iterations = np.asarray(pin.iterations, dtype=np.float64)
    errors = np.asarray(pin.errors, dtype=np.float64)
    keep = np.isfinite(errors) & (iterations >= 1)
    iterations, errors = iterations[keep], errors[keep]
    step = -(-len(errors) // MAX_PIN_POINTS) if len(errors) else 1
    return {"label": pin.label, "iterations": [int(k) for k in iterations[::step]],
            "totals": [float(e) for e in errors[::step]]}


def restore(window: MainWindow, view: dict[str, Any] | None) -> None:
    """Show the session just opened as ``view`` says (a view already checked by the reader)."""
    if not view:
        return
    plot = window.views.error_plot
    if "zoom" in view:
        window.actions.set_zoom(view["zoom"], remember=False)
    if "tab" in view:
        window.views.tabs.setCurrentIndex(view["tab"])
    if "run_count" in view:
        window.controls.run_field.setValue(view["run_count"])
    if "legend" in view and window.actions.legend.isChecked() != view["legend"]:
        window.actions.legend.trigger()  # View → Legend, as the learner would: remembered too
    if "log_scale" in view:
        plot.log_scale.setChecked(view["log_scale"])
    if "curves" in view:
        plot.show_outputs([o for o, on in enumerate(view["curves"]) if on])
    if "cycle_mean" in view and plot.cycle_mean.isEnabled():
        plot.cycle_mean.setChecked(view["cycle_mean"])
    if "follow" in view:
        plot.follow.setChecked(view["follow"])
    if "pins" in view:
        window.controller.restore_pins(tuple(
            Pin(pin["label"], np.array(pin["iterations"], dtype=np.float64), np.array(pin["totals"]))
            for pin in view["pins"]))
