"""Remake resources/teaching.gif, README's animation, with the code File → Export animation… runs
(offscreen): the lesson's step 7 (many inputs, many outputs) in cycle mode, iterations 0 to 40.

    python docs/make_teaching_gif.py

The same log gives the same frames, so the file comes out byte for byte the same each time.
"""

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
import conftest  # noqa: E402, F401  (offscreen, a 1400 × 900 screen, before Qt is imported)
from PySide6.QtWidgets import QApplication  # noqa: E402

from gdviz.ui import animation, lesson_panel  # noqa: E402
from gdviz.ui.main_window import MainWindow  # noqa: E402

ITERATIONS = 40


def settle(app: QApplication, seconds: float, until=lambda: False) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end and not until():
        app.processEvents()


def main() -> None:
    app = QApplication([])
    window = MainWindow("multi-in-out")
    window.show()
    window.resize(1366, 768)
    lesson_panel.open_lesson(window).go(6)  # "Many inputs, many outputs"
    settle(app, 2)
    window.controller.set_mode("cycle")
    assert window.views.error_plot is not None
    window.views.error_plot.log_scale.setChecked(True)
    settle(app, 1)
    window.controls.run_field.setValue(ITERATIONS)
    window.run_n()
    settle(app, 60, lambda: window.controller.log.count >= ITERATIONS and not window.controller.state.playing)
    data = animation.animation_bytes(window, animation.AnimationSpec("both", 0, ITERATIONS, fps=6, kind="gif"))
    (ROOT / "resources" / "teaching.gif").write_bytes(data)
    print(f"resources/teaching.gif: {ITERATIONS + 1} frames, {len(data):,} bytes")
    window.files.close_at_once()
    window.close()


if __name__ == "__main__":
    main()
