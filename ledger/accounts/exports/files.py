"""Files written under a temporary name beside their final one and renamed only when all are complete, so a
refused or killed export never leaves a half file (nor replaces a good one) under the name asked for."""
import os
from pathlib import Path


class Staged:
    """`with Staged() as staged: out = staged.open(path)`: every file opened lands together on success,
    none on an exception (a process killed outright leaves only `.NAME.partial-PID` beside it)."""

    def __init__(self):
        self.pending: list[tuple] = []

    def open(self, path: Path):
        temporary = path.with_name(f".{path.name}.partial-{os.getpid()}")
        handle = open(temporary, "w", encoding="utf-8", newline="")  # noqa: SIM115 (closed in __exit__)
        self.pending.append((handle, temporary, path))
        return handle

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, traceback):
        for handle, temporary, _path in self.pending:
            if exc_type is None:
                handle.flush()
                os.fsync(handle.fileno())
            handle.close()
            if exc_type is not None:
                temporary.unlink(missing_ok=True)
        if exc_type is None:
            for _handle, temporary, path in reversed(self.pending):  # the main file, opened first, lands last
                os.replace(temporary, path)
        return False
