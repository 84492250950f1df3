"""Writing a file replaces a regular file in one step, keeping its permissions, and leaves what a
name stands for as it is: a symlink stays a link (its target is written), a FIFO or a device is
written into. Never tested on the system's /dev/null: a device made with mknod in a tmp folder."""

import os
import stat
import threading

import pytest

from gdviz.core.files import atomic_write, check_writable


def test_a_regular_file_keeps_its_permissions(tmp_path):
    """Checked to fail with the old chmod to 0o666 & ~umask."""
    path = tmp_path / "log.csv"
    path.write_text("old\n")
    path.chmod(0o640)
    with atomic_write(path) as file:
        file.write("new\n")
    assert path.read_text() == "new\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert os.listdir(tmp_path) == ["log.csv"]


def test_a_new_file_gets_the_usual_permissions(tmp_path):
    umask = os.umask(0o022)
    os.umask(umask)
    path = tmp_path / "new.csv"
    with atomic_write(path) as file:
        file.write("x")
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask


def test_a_symlink_is_written_through_to_its_target(tmp_path):
    """The link stays a link; its target gets the text (atomically, keeping its mode). Checked to fail
    with the name replaced as it was (no resolve)."""
    folder = tmp_path / "real"
    folder.mkdir()
    target = folder / "log.csv"
    target.write_text("old\n")
    target.chmod(0o600)
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    with atomic_write(link) as file:
        file.write("new\n")
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_text() == "new\n" and stat.S_IMODE(target.stat().st_mode) == 0o600
    assert sorted(os.listdir(folder)) == ["log.csv"]


def test_a_dangling_symlink_creates_its_target(tmp_path):
    target = tmp_path / "later.csv"
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    with atomic_write(link) as file:
        file.write("made\n")
    assert link.is_symlink() and target.read_text() == "made\n"


def test_a_failed_write_through_a_symlink_leaves_the_target(tmp_path):
    target = tmp_path / "log.csv"
    target.write_text("old\n")
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    with pytest.raises(OSError), atomic_write(link) as file:
        file.write("half")
        raise OSError(28, "No space left on device")
    assert target.read_text() == "old\n" and link.is_symlink()
    assert sorted(os.listdir(tmp_path)) == ["link.csv", "log.csv"]


def test_a_fifo_is_written_into_not_replaced(tmp_path):
    """A reader on the FIFO gets the text and the FIFO is still a FIFO. Checked to fail with the old
    temporary-file-and-rename (the FIFO became a regular file; the reader got nothing)."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text()), daemon=True)
    reader.start()
    check_writable(fifo)
    with atomic_write(fifo) as file:
        file.write("through the pipe\n")
    reader.join(timeout=30)
    assert received == ["through the pipe\n"]
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert os.listdir(tmp_path) == ["pipe"]


def test_a_character_device_is_written_into_not_replaced(tmp_path):
    """A copy of /dev/null made with mknod (as root) stays the same device after a write; the real
    /dev/null is only looked at, never written. Checked to fail with the old rename: as root it turned
    the node into a regular file."""
    real = os.stat("/dev/null")
    node = tmp_path / "null"
    try:
        os.mknod(node, stat.S_IFCHR | 0o666, real.st_rdev)
    except PermissionError:
        pytest.skip("making a device node needs root (CAP_MKNOD)")
    check_writable(node)
    with atomic_write(node) as file:
        file.write("gone\n")
    after = os.lstat(node)
    assert stat.S_ISCHR(after.st_mode) and after.st_rdev == real.st_rdev
    assert os.listdir(tmp_path) == ["null"]


def test_root_writing_another_users_file_keeps_its_owner(tmp_path):
    """As root (a container), replacing a user's file must not hand it to root."""
    if os.getuid() != 0:
        pytest.skip("changing a file's owner needs root")
    path = tmp_path / "theirs.csv"
    path.write_text("old\n")
    os.chown(path, 1234, 2345)
    path.chmod(0o640)
    with atomic_write(path) as file:
        file.write("new\n")
    after = path.stat()
    assert (after.st_uid, after.st_gid, stat.S_IMODE(after.st_mode)) == (1234, 2345, 0o640)
    assert path.read_text() == "new\n"
