"""The lesson through the chapter (Help → Lesson): its steps, read from one data file
(``resources/lesson.json``), so a teacher can edit or add steps without touching code.

Each step sets up the window, says what to do and what to look for, and asks one question whose
answer is on screen::

    {"title": "Stopping: an input of 0",
     "setup": {"preset": "multi-in", "alpha": 0.01, "mode": "example", "example": 0,
               "inputs": {"nfans": 0},          this game's inputs changed (by name)
               "weights": {"nfans->win": 0},    weights set (by edge name)
               "frozen": ["toes->win"],         weights frozen
               "as_printed": false, "tab": "curves" | "bowls" | "surface", "log_scale": false,
               "highlight": "nfans->win"},      the edge lit in the diagram, tables and arithmetic
     "do": "…", "look": "…", "question": "…", "answer": "…"}

Every set-up key is optional but ``preset``; a file that breaks these rules is refused with a
message naming the step and the key.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

from gdviz.core.presets import PRESETS

FORMAT = "gdviz-lesson"
TEXTS = ("title", "do", "look", "question", "answer")
SETUP_KEYS = ("preset", "alpha", "mode", "example", "inputs", "weights", "frozen", "as_printed", "tab",
              "log_scale", "highlight")
MODES = ("example", "cycle", "batch")
TABS = ("curves", "bowls", "surface")


class LessonError(ValueError):
    """A lesson file that gdviz cannot follow, and why."""


@dataclass(frozen=True)
class Step:
    title: str
    setup: dict[str, Any]
    do: str
    look: str
    question: str
    answer: str


@dataclass(frozen=True)
class Lesson:
    title: str
    steps: tuple[Step, ...]


def edge(name: str, inputs: tuple[str, ...], outputs: tuple[str, ...]) -> tuple[int, int]:
    """``"nfans->win"`` as (output, input) of a network with these names; LessonError if none."""
    source, _, target = name.partition("->")
    if source not in inputs or target not in outputs:
        raise LessonError(f"{name!r} is not a weight of this network (input->output)")
    return outputs.index(target), inputs.index(source)


def parse_lesson(text: str) -> Lesson:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise LessonError(f"the lesson is not JSON: {exc}") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT or document.get("version") != 1:
        raise LessonError(f"not a lesson: it must say \"format\": \"{FORMAT}\", \"version\": 1")
    steps = document.get("steps")
    if not isinstance(steps, list) or not steps:
        raise LessonError("'steps' must be a list of at least one step")
    return Lesson(str(document.get("title", "Lesson")), tuple(_step(k, step) for k, step in enumerate(steps)))


def _step(k: int, step: Any) -> Step:
    where = f"step {k + 1}"
    if not isinstance(step, dict) or set(step) != {*TEXTS, "setup"}:
        raise LessonError(f"{where} must have exactly {', '.join((*TEXTS, 'setup'))}")
    for key in TEXTS:
        if not isinstance(step[key], str) or not step[key].strip():
            raise LessonError(f"{where}: {key!r} must be a text")
    setup = step["setup"]
    if not isinstance(setup, dict) or "preset" not in setup:
        raise LessonError(f"{where}: 'setup' must be an object with a preset")
    for key, value in setup.items():
        if key not in SETUP_KEYS:
            raise LessonError(f"{where}: unknown set-up key {key!r}")
        _check(where, key, value, setup["preset"])
    return Step(step["title"], dict(setup), step["do"], step["look"], step["question"], step["answer"])


def _check(where: str, key: str, value: Any, preset_name: Any) -> None:
    if preset_name not in PRESETS:
        raise LessonError(f"{where}: {preset_name!r} is not a preset; one of {', '.join(PRESETS)}")
    preset = PRESETS[preset_name]
    number = (int, float)
    if key == "alpha" and (isinstance(value, bool) or not isinstance(value, number) or not 0 < value < math.inf):
        raise LessonError(f"{where}: 'alpha' must be a positive number")
    if key == "mode" and value not in MODES:
        raise LessonError(f"{where}: 'mode' must be one of {', '.join(MODES)}")
    if key == "example" and (isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 4):
        raise LessonError(f"{where}: 'example' must be a game, 0 to 3")
    if key == "tab" and value not in TABS:
        raise LessonError(f"{where}: 'tab' must be one of {', '.join(TABS)}")
    if key in ("as_printed", "log_scale") and not isinstance(value, bool):
        raise LessonError(f"{where}: {key!r} must be true or false")
    if key == "inputs":
        if not isinstance(value, dict) or not all(name in preset.inputs for name in value) or \
                not all(isinstance(v, number) and not isinstance(v, bool) and math.isfinite(v) for v in value.values()):
            raise LessonError(f"{where}: 'inputs' must give numbers to inputs of {preset_name} ({preset.inputs})")
    if key == "weights":
        if not isinstance(value, dict) or \
                not all(isinstance(v, number) and not isinstance(v, bool) and math.isfinite(v) for v in value.values()):
            raise LessonError(f"{where}: 'weights' must give numbers to weights by name")
        for name in value:
            _edge(where, name, preset.inputs, preset.outputs)
    if key == "frozen":
        if not isinstance(value, list):
            raise LessonError(f"{where}: 'frozen' must be a list of weights by name")
        for name in value:
            _edge(where, name, preset.inputs, preset.outputs)
    if key == "highlight":
        _edge(where, value, preset.inputs, preset.outputs)


def _edge(where: str, name: Any, inputs: tuple[str, ...], outputs: tuple[str, ...]) -> None:
    if not isinstance(name, str):
        raise LessonError(f"{where}: a weight is named 'input->output', not {name!r}")
    try:
        edge(name, inputs, outputs)
    except LessonError as exc:
        raise LessonError(f"{where}: {exc}") from None
