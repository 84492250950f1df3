"""The Qt window of gdviz (PySide6 + pyqtgraph), on top of :mod:`gdviz.core`."""


def __getattr__(name):  # gdviz.ui.MainWindow without importing Qt until it is asked for
    if name == "MainWindow":
        from gdviz.ui.main_window import MainWindow

        return MainWindow
    raise AttributeError(name)
