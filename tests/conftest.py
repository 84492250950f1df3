"""Test setup: every Qt test runs offscreen, whoever runs pytest and wherever."""

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"  # before anything imports Qt
os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")
