"""File → Open recent: the sessions last opened or saved, remembered in QSettings."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMenu

KEY = "session/recent"
MAX_RECENT = 8


def files(settings: QSettings) -> list[str]:
    value = settings.value(KEY, [])
    if isinstance(value, str):  # QSettings gives a one-item list back as its item
        value = [value]
    if not isinstance(value, list | tuple):
        return []
    return [str(path) for path in value][:MAX_RECENT]


def remember(settings: QSettings, path: str) -> None:
    path = str(Path(path).resolve())
    settings.setValue(KEY, [path, *(p for p in files(settings) if p != path)][:MAX_RECENT])


def fill(menu: QMenu, settings: QSettings, open_session: Callable[[str], None]) -> None:
    """The menu's items, as the list is now (called as it opens)."""
    menu.clear()
    paths = files(settings)
    for k, path in enumerate(paths):
        action = menu.addAction(f"&{k + 1}  {Path(path).name}", partial(open_session, path))
        action.setToolTip(path)
        action.setStatusTip(path)
        action.setEnabled(Path(path).exists())
    if not paths:
        menu.addAction("No sessions yet").setEnabled(False)
    else:
        menu.addSeparator()
        menu.addAction("Clear the list", lambda: settings.remove(KEY))
