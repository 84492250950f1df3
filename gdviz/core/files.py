"""Writing files so that a failure never leaves a half-written file under the chosen name, and
without replacing what the name stands for: a link, a device, a FIFO."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

_UMASK = os.umask(0o022)  # read once at import (setting it is process-wide), then put back
os.umask(_UMASK)


class Cancelled(Exception):
    """The user cancelled; nothing was written (when saving) and nothing was returned (when opening).

    Raised by long jobs whose ``progress`` callback returned False, so that the caller can tell a
    cancel (say nothing, or "Cancelled") from a failure (say why).
    """


def _resolve(path: Path) -> Path:
    """``path`` itself, or what it points at if it is a symbolic link (a chain of them, followed to
    the end): writing a link writes its target, and leaves the link a link."""
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def _special(path: Path) -> bool:
    """True for a name that exists and is not a regular file or a folder: a device (/dev/null,
    a terminal), a FIFO, a socket. Those are written straight into, never replaced."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def _check_target(path: Path) -> Path:
    """The folder ``path`` would be written in; OSError with a clear message if it can't be."""
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise IsADirectoryError(f"{path} is a folder, not a file")
    if not folder.is_dir():
        raise FileNotFoundError(f"the folder {folder} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise PermissionError(f"the folder {folder} is not writable")
    return folder


def check_writable(path: str | os.PathLike[str]) -> None:
    """Raise OSError with a clear message if ``path`` cannot be written (checked before long work,
    so that it fails before the work, not after).

    A device or a FIFO must be writable itself; a regular file or a new name needs a writable
    folder, where its replacement is made (see :func:`atomic_write`)."""
    if _special(Path(path)):  # (followed through links: /dev/stdout may lead to a pipe with no path)
        if not os.access(path, os.W_OK):
            raise PermissionError(f"{path} is not writable")
        return
    folder = _check_target(_resolve(Path(path)))
    try:  # the only sure test (a read-only file system, or rules that even root must follow)
        handle, probe = tempfile.mkstemp(prefix=".gdviz-probe.", dir=folder)
    except OSError as exc:
        raise PermissionError(f"the folder {folder} is not writable ({exc.strerror})") from None
    os.close(handle)
    os.unlink(probe)


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike[str], mode: str = "w", **open_args: Any) -> Iterator[IO[Any]]:
    """Open ``path`` for writing so that a failure never leaves it half-written.

    ``mode`` is ``"w"`` for text or ``"wb"`` for bytes (session files are zip archives), and
    ``open_args`` go to :func:`open` (``encoding``, ``newline`` …).

    - A regular file, or a name that does not exist yet: the text goes to a temporary file beside
      it, which replaces it in one step once complete, with the file's permissions and, where
      allowed, its owner (a new file gets the usual permissions, as the umask allows). If the
      body raises (or the disk fills up), the temporary file is removed, ``path`` keeps its
      previous content (or stays absent), and the exception propagates.
    - A symbolic link: its target is written as above; the link stays a link.
    - A device (``/dev/null``, a terminal), a FIFO or a socket: written straight into, as it is. A
      temporary file renamed over it would replace the device itself (as root, /dev/null became
      a regular file that way).
    """
    if _special(Path(path)):  # (followed through links: /dev/stdout may lead to a pipe with no path)
        with open(path, mode, **open_args) as file:
            yield file
        return
    target = _resolve(Path(path))
    folder = _check_target(target)
    try:
        before: os.stat_result | None = os.stat(target)
    except FileNotFoundError:
        before = None
    permissions = 0o666 & ~_UMASK if before is None else stat.S_IMODE(before.st_mode)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)
    try:
        with os.fdopen(handle, mode, **open_args) as file:
            yield file
            file.flush()
            os.fsync(file.fileno())
        if before is not None and (before.st_uid, before.st_gid) != (os.getuid(), os.getgid()):
            with contextlib.suppress(OSError):  # its owner too, where allowed (root writing a user's file)
                os.chown(temporary, before.st_uid, before.st_gid)
        os.chmod(temporary, permissions)  # mkstemp makes it private: give it the file's own rights
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def describe_error(exc: BaseException, path: str | os.PathLike[str]) -> str:
    """One sentence for a user about why writing ``path`` failed."""
    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    return f"Could not write {path}: {reason.rstrip('.')}."
