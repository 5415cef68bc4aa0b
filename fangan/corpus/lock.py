"""One writer per corpus folder.

Two builds writing one `--out` at once corrupt each other (one deletes the other's temporary files,
both rewrite the tables). `output_lock` takes an exclusive, non-blocking `flock` on `DIR/.fangan.lock`;
a second build is refused at once with `OutputLocked`, naming the holder's PID as the kernel lists it
(/proc/locks). Taking the lock writes nothing on Linux, so a build that changes nothing writes no byte;
where there is no /proc/locks, the holder writes its PID into the file instead. The kernel drops the lock
when the holder exits, even on SIGKILL, so a crashed build never leaves a stale lock behind. While the lock
is held, the temporary folders of earlier, interrupted builds are removed: nobody else can be using them.
"""
from __future__ import annotations

import functools
import os
import shutil
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

LOCK_NAME = ".fangan.lock"
BUILD_DIR_PREFIX = ".build-"
_HELD: set[int] = set()  # descriptors of the locks this process holds (a forked worker inherits them)


class OutputLocked(RuntimeError):
    """Another process holds the corpus folder."""

    def __init__(self, root: Path, holder: str):
        self.root, self.holder = root, holder
        who = f"process {holder}" if holder else "another process"
        super().__init__(f"{root} is being written by another fangan build ({who}); "
                         "wait for it to finish, or build into another --out folder")


def _try_lock(fd: int) -> bool:
    try:
        import fcntl
    except ImportError:  # Windows: lock the first byte instead
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False


PROC_LOCKS = "/proc/locks"


def _holder(fd: int) -> str:
    """The PID of the process holding the lock on `fd`'s file: the kernel's list of locks, else what the holder
    wrote into the file (without /proc/locks, or a build of an older version, which always wrote it)."""
    try:
        st = os.fstat(fd)
        key = f" {os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}:{st.st_ino} "
        with open(PROC_LOCKS, encoding="ascii", errors="replace") as f:
            for line in f:  # "1: FLOCK  ADVISORY  WRITE 4242 fe:00:5308489 0 EOF" ("1: -> FLOCK …": a waiter)
                fields = line.split()
                if key in line and "->" not in fields and "FLOCK" in fields:
                    pid = fields[fields.index("FLOCK") + 3]
                    if pid.isdigit() and pid != "0":  # (0: a holder outside this PID namespace)
                        return pid
    except (OSError, ValueError, IndexError):
        pass
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        return os.read(fd, 64).decode("ascii", "replace").strip()
    except OSError:
        return ""


def _pid_written() -> bool:
    """Whether a holder writes its PID into the lock file: only where the kernel does not list the locks."""
    return not os.path.exists(PROC_LOCKS)


@contextmanager
def output_lock(root: os.PathLike | str) -> Iterator[Path]:
    """Hold the corpus folder `root` (created if missing) for the duration of the block."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    fd = os.open(root / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        if not _try_lock(fd):
            raise OutputLocked(root, _holder(fd))
        written = _pid_written()
        if written or os.fstat(fd).st_size:  # (a PID an older version left)
            os.ftruncate(fd, 0)
        if written:
            os.write(fd, f"{os.getpid()}\n".encode("ascii"))
        remove_stale_build_dirs(root)
        _HELD.add(fd)
        yield root
        if written:
            os.ftruncate(fd, 0)  # the file stays (deleting it would race a waiting writer); the lock goes with the fd
    finally:
        _HELD.discard(fd)
        os.close(fd)


def close_inherited_locks() -> None:
    """In a forked worker: close its copies of the parent's lock descriptors (never unlock them), so
    that the lock goes when the parent goes, even if the parent is killed and a worker lingers."""
    for fd in list(_HELD):
        try:
            os.close(fd)
        except OSError:
            pass
    _HELD.clear()


def holds_output_lock(fn):
    """Decorator for `build(inputs, out, …)`: the whole build runs under `output_lock(out)`."""

    @functools.wraps(fn)
    def wrapper(inputs, out, *args, **kwargs):
        with output_lock(out):
            return fn(inputs, out, *args, **kwargs)

    return wrapper


def remove_stale_build_dirs(root: Path) -> None:
    for p in root.glob(f"{BUILD_DIR_PREFIX}*"):
        shutil.rmtree(p, ignore_errors=True)
    shutil.rmtree(root / ".cache" / "parsed", ignore_errors=True)  # the shared cache of builds before per-build folders
