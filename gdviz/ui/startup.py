"""Checks made before Qt opens a window, so that a machine that cannot show one gets one line
saying why and what to do, and exit status 1, instead of Qt's plugin messages and a core dump.

Qt aborts the whole process (SIGABRT, exit 134) when its platform plugin cannot start: with no
display, or when the X11 plugin cannot load a library it needs (``libxcb-cursor0`` on a fresh
Debian 12 is the common one). Both are checked here without Qt: the display with ``libxcb``'s
own connect, the plugin by loading it the way Qt would (its missing library is in the error).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import re
import sys
from collections.abc import Mapping
from pathlib import Path

HEADLESS_PLATFORMS = ("offscreen", "minimal", "vnc", "eglfs", "linuxfb", "vkkhrdisplay")

# library -> (Debian/Ubuntu package, Fedora package)
PACKAGES = {
    "libxcb-cursor.so.0": ("libxcb-cursor0", "xcb-util-cursor"),
    "libxcb-icccm.so.4": ("libxcb-icccm4", "xcb-util-wm"),
    "libxcb-image.so.0": ("libxcb-image0", "xcb-util-image"),
    "libxcb-keysyms.so.1": ("libxcb-keysyms1", "xcb-util-keysyms"),
    "libxcb-render-util.so.0": ("libxcb-render-util0", "xcb-util-renderutil"),
    "libxcb-randr.so.0": ("libxcb-randr0", "libxcb"),
    "libxcb-shape.so.0": ("libxcb-shape0", "libxcb"),
    "libxcb-xkb.so.1": ("libxcb-xkb1", "libxcb"),
    "libxcb-xinerama.so.0": ("libxcb-xinerama0", "libxcb"),
    "libxcb.so.1": ("libxcb1", "libxcb"),
    "libxkbcommon-x11.so.0": ("libxkbcommon-x11-0", "libxkbcommon-x11"),
    "libxkbcommon.so.0": ("libxkbcommon0", "libxkbcommon"),
    "libX11-xcb.so.1": ("libx11-xcb1", "libX11-xcb"),
    "libxcb-render.so.0": ("libxcb-render0", "libxcb"),
    "libxcb-shm.so.0": ("libxcb-shm0", "libxcb"),
    "libxcb-sync.so.1": ("libxcb-sync1", "libxcb"),
    "libxcb-xfixes.so.0": ("libxcb-xfixes0", "libxcb"),
    "libxcb-util.so.1": ("libxcb-util1", "xcb-util"),
    "libX11.so.6": ("libx11-6", "libX11"),
    "libEGL.so.1": ("libegl1", "libglvnd-egl"),
    "libGL.so.1": ("libgl1", "mesa-libGL"),
    "libGLX.so.0": ("libglx0", "libglvnd-glx"),
    "libGLdispatch.so.0": ("libglvnd0", "libglvnd"),
    "libOpenGL.so.0": ("libopengl0", "libglvnd-opengl"),
    "libfontconfig.so.1": ("libfontconfig1", "fontconfig"),
    "libfreetype.so.6": ("libfreetype6", "freetype"),
    "libdbus-1.so.3": ("libdbus-1-3", "dbus-libs"),
    "libglib-2.0.so.0": ("libglib2.0-0", "glib2"),
    "libgthread-2.0.so.0": ("libglib2.0-0", "glib2"),
}


def window_problem(env: Mapping[str, str] = os.environ, platform: str = sys.platform) -> str | None:
    """One line saying why no window can open here, and how to fix it; None when one can."""
    chosen = env.get("QT_QPA_PLATFORM", "").split(":")[0]
    if not platform.startswith("linux") or chosen in HEADLESS_PLATFORMS:
        return None
    x11, wayland = env.get("DISPLAY", ""), env.get("WAYLAND_DISPLAY", "")
    if not x11 and not wayland:
        return ("gdviz: there is no display to open the window on (neither DISPLAY nor WAYLAND_DISPLAY is set). "
                "Run gdviz in a desktop session, or over ssh -X; 'gdviz train' needs no display.")
    if wayland and chosen != "xcb":
        return None  # Qt's Wayland plugin ships with PySide6 and needs no extra system package
    missing = missing_library()
    if missing is not None:
        return f"gdviz: Qt's X11 plugin cannot load: {missing} is missing; {install_hint(missing)}."
    if not display_answers(x11):
        return (f"gdviz: the display {x11!r} (DISPLAY) does not answer. Is the X server running, and may this "
                "user connect to it?")
    return None


def install_hint(library: str) -> str:
    """How to install ``library`` (a name from the loader's message), with its package's name."""
    debian, fedora = PACKAGES.get(library, (None, None))
    if debian is None:
        return "install the package that provides it"
    return f"install it with 'sudo apt install {debian}' (Debian, Ubuntu) or 'sudo dnf install {fedora}' (Fedora)"


def qt_import_problem(exc: ImportError) -> str:
    """One line for Qt's own libraries failing to load (on any platform, offscreen too): a
    library of the system they need is missing (glib, GL, EGL, fontconfig …)."""
    library = library_named_in(str(exc))
    if library is None:
        return f"gdviz: Qt cannot load: {exc}"
    return f"gdviz: Qt cannot load: {library} is missing; {install_hint(library)}."


def xcb_plugin() -> Path | None:
    """The path of Qt's X11 platform plugin in the installed PySide6 (None if not found)."""
    try:
        import PySide6
    except ImportError:
        return None
    plugin = Path(PySide6.__file__).parent / "Qt" / "plugins" / "platforms" / "libqxcb.so"
    return plugin if plugin.exists() else None


def missing_library(plugin: Path | None = None) -> str | None:
    """The first library that Qt's X11 plugin needs and cannot find (None: it loads)."""
    plugin = plugin or xcb_plugin()
    if plugin is None:
        return None
    try:
        ctypes.CDLL(str(plugin), mode=os.RTLD_LAZY)  # as Qt loads it: every library it needs, or an error
    except OSError as exc:
        return library_named_in(str(exc)) or str(exc)
    return None


def library_named_in(message: str) -> str | None:
    """``libxcb-cursor.so.0`` from ``libxcb-cursor.so.0: cannot open shared object file: …``."""
    match = re.search(r"([\w.+-]+\.so(?:\.\d+)*): cannot open shared object file", message)
    return match.group(1) if match else None


def display_answers(display: str) -> bool:
    """Whether an X server answers at ``display`` (asked with libxcb, as Qt will)."""
    name = ctypes.util.find_library("xcb")
    if name is None:
        return True  # cannot ask: let Qt try
    xcb = ctypes.CDLL(name)
    xcb.xcb_connect.restype = ctypes.c_void_p
    xcb.xcb_connect.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
    xcb.xcb_connection_has_error.argtypes = [ctypes.c_void_p]
    xcb.xcb_disconnect.argtypes = [ctypes.c_void_p]
    connection = xcb.xcb_connect(display.encode(), None)
    try:
        return xcb.xcb_connection_has_error(connection) == 0
    finally:
        xcb.xcb_disconnect(connection)
