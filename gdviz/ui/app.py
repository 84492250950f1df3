"""Starting the application: ``gdviz`` with no arguments."""

from __future__ import annotations

import sys


def run_app(argv: list[str]) -> int:
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    import gdviz
    from gdviz.ui.main_window import MainWindow
    from gdviz.ui.resources import resource_path

    if len(argv) > 1 or (argv and not argv[0].lower().endswith(".json")):
        print(f"gdviz: unknown command {' '.join(argv)!r}; try 'gdviz --help' "
              "(or 'gdviz SESSION.json' to open a saved session)", file=sys.stderr)
        return 2
    app = QApplication.instance() or QApplication([sys.argv[0]])
    app.setOrganizationName("gdviz")
    app.setApplicationName("gdviz")
    app.setApplicationVersion(gdviz.__version__)
    app.setWindowIcon(QIcon(str(resource_path("gdviz.svg"))))
    window = MainWindow()
    window.show()
    if argv:  # a session file: a malformed one is explained and the default session stays
        window.open_session(argv[0])
    window.raise_()
    window.activateWindow()  # take keyboard focus (a bare X server has no window manager to give it)
    return app.exec()
