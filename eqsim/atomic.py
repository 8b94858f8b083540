"""Files written whole or not at all: a reader sees the old file or the complete new one,
and a failed write leaves no temporary file behind (spike files, NWB and HDF5 run files,
the compile cache)."""
from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Iterator


@contextlib.contextmanager
def atomic_path(path, suffix: str = ".tmp", public: bool = False) -> Iterator[str]:
    """Yield a temporary path in ``path``'s folder to write to; on success it replaces
    ``path``, on any exception it is removed. ``public``: the file gets the usual mode
    (mkstemp makes it private)."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=suffix)
    os.close(fd)
    try:
        yield tmp
        if public:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def atomic_write(path, text: str) -> None:
    """Write ``text`` to ``path`` atomically (the folder is made if missing)."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as tmp, open(tmp, "w") as f:
        f.write(text)
