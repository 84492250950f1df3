"""How the window showed a session, kept in its file so that it opens exactly as it was handed
out: session.json's optional ``"view"`` object (version 3).

Every key is optional (a file keeps what the window knew, an older file none), and each is
checked: a key gdviz does not know, or a value of the wrong kind or out of range, refuses the
file with a message naming it, as every other part of a session file does.

    "view": {"tab": 0 | 1 | 2,                  the error curves, bowls or surface under the diagram
             "log_scale": false, "legend": true, "follow": true, "cycle_mean": false,
             "curves": [true, false, …],         each output's curve drawn (one per output)
             "run_count": 1000,                  the Run N field
             "zoom": 1.5,                        View → Zoom (0.75 to 3)
             "pins": [{"label": "alpha 0.01", "iterations": [1, 2, …], "totals": [0.5, …]}, …]}
                                                 the ghost runs (each thinned to 65,536 points at most)
"""

from __future__ import annotations

import math
from typing import Any

from gdviz.core.session_fields import SessionError, show

VIEW_KEY = "view"
FLAGS = ("log_scale", "legend", "follow", "cycle_mean")
KEYS = ("tab", *FLAGS, "curves", "run_count", "zoom", "pins")
MAX_TAB = 2
MAX_RUN = 100_000_000
ZOOM = (0.75, 3.0)
MAX_PINS = 5
MAX_PIN_POINTS = 1 << 16  # a ghost run's points kept in the file: enough for a curve on a screen


def read_view(view: Any, n_outputs: int) -> dict[str, Any]:
    """session.json's ``view``, checked: a dict of the keys present; SessionError naming the first
    problem."""
    if not isinstance(view, dict):
        raise SessionError(f"'view' must be an object, not {show(view)}")
    for key in view:
        if key not in KEYS:
            raise SessionError(f"view: unexpected key {show(key)}")
    checked: dict[str, Any] = {}
    if "tab" in view:
        checked["tab"] = _whole(view["tab"], "view: 'tab'", 0, MAX_TAB)
    for key in FLAGS:
        if key in view:
            if not isinstance(view[key], bool):
                raise SessionError(f"view: {key!r} must be true or false, not {show(view[key])}")
            checked[key] = view[key]
    if "curves" in view:
        curves = view["curves"]
        if not isinstance(curves, list) or len(curves) != n_outputs or not all(isinstance(c, bool) for c in curves):
            raise SessionError(f"view: 'curves' must be {n_outputs} true or false, one per output, "
                               f"not {show(curves)}")
        checked["curves"] = list(curves)
    if "run_count" in view:
        checked["run_count"] = _whole(view["run_count"], "view: 'run_count'", 1, MAX_RUN)
    if "zoom" in view:
        zoom = view["zoom"]
        if isinstance(zoom, bool) or not isinstance(zoom, int | float) or not ZOOM[0] <= zoom <= ZOOM[1]:
            raise SessionError(f"view: 'zoom' must be a number from {ZOOM[0]} to {ZOOM[1]}, not {show(zoom)}")
        checked["zoom"] = float(zoom)
    if "pins" in view:
        checked["pins"] = _pins(view["pins"])
    return checked


def _whole(value: Any, what: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise SessionError(f"{what} must be a whole number from {low} to {high}, not {show(value)}")
    return value


def _pins(pins: Any) -> list[dict[str, Any]]:
    if not isinstance(pins, list) or len(pins) > MAX_PINS:
        raise SessionError(f"view: 'pins' must be a list of at most {MAX_PINS} runs, not {show(pins)}")
    checked = []
    for k, pin in enumerate(pins):
        where = f"view: pins[{k}]"
        if not isinstance(pin, dict) or set(pin) != {"label", "iterations", "totals"}:
            raise SessionError(f"{where} must be an object with exactly label, iterations and totals")
        if not isinstance(pin["label"], str) or len(pin["label"]) > 200:
            raise SessionError(f"{where}: 'label' must be a short text, not {show(pin['label'])}")
        iterations, totals = pin["iterations"], pin["totals"]
        if not isinstance(iterations, list) or not isinstance(totals, list) or len(iterations) != len(totals) \
                or len(totals) > MAX_PIN_POINTS:
            raise SessionError(f"{where}: 'iterations' and 'totals' must be lists of the same length, "
                               f"at most {MAX_PIN_POINTS:,}")
        last = 0
        for value in iterations:
            if isinstance(value, bool) or not isinstance(value, int) or not last < value <= 1 << 53:
                raise SessionError(f"{where}: 'iterations' must be whole numbers going up from 1, not {show(value)}")
            last = value
        for value in totals:
            if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
                raise SessionError(f"{where}: 'totals' holds {show(value)}, not a finite number")
        checked.append({"label": pin["label"], "iterations": list(iterations), "totals": [float(v) for v in totals]})
    return checked
