"""Remake docs/digits-weights.png, README's picture of the digits' weights: the window (offscreen)
on the preset ``digits`` after one cycle over the 1,797 images (Run 1,797), its Weight images tab.

    python docs/make_digits_picture.py

The training is the same every time, so the picture is too.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
import conftest  # noqa: E402, F401  (offscreen, a 1400 × 900 screen, before Qt is imported)
from make_teaching_gif import settle  # noqa: E402  (this folder: the same wait for the window)
from PySide6.QtWidgets import QApplication  # noqa: E402

from gdviz.ui.main_window import MainWindow  # noqa: E402

ITERATIONS = 1797
OUT = ROOT / "docs" / "digits-weights.png"


def main() -> None:
    app = QApplication([])
    window = MainWindow("digits")
    window.resize(1400, 900)
    window.show()
    settle(app, 60, lambda: window.controller.state is not None)
    window.controls.run_field.setValue(ITERATIONS)
    window.run_n()
    settle(app, 600, lambda: window.controller.log.count >= ITERATIONS and not window.controller.state.playing)
    views = window.views
    views.tabs.setCurrentWidget(views.weight_images)
    window.splitter.setSizes([0, 1400, 0])  # the views alone: the pictures as large as the screen lets them
    views.setSizes([0, 900])  # the tabs only, no diagram above
    settle(app, 1)
    window.refresh_views(True)
    settle(app, 0.5)
    assert views.weight_images.moment.iteration == ITERATIONS
    views.weight_images.grab().save(str(OUT))
    print(f"wrote {OUT} (iteration {ITERATIONS:,})")
    window.files.close_at_once()
    window.close()


if __name__ == "__main__":
    main()
