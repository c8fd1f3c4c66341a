"""Give the C heap's free memory back to the system between the stages of a long run.

NumPy, pandas and Python's own objects allocate with the C library's ``malloc``. glibc
keeps what they free in its heap for later requests, and it raises the size above which
it maps memory afresh each time a mapped block is freed (``mallopt(3)``, M_MMAP_THRESHOLD),
so after a stage that worked on many arrays of a few MB (the slices of
:func:`portcap.engine.run_ships`) tens of MB stay resident, free, while the next stage
adds its own. ``malloc_trim(3)`` returns the free pages at once; Dask's workers do the
same when their memory is high (``distributed``, "Memory not released back to the OS").
``portcap ships`` on the 2 million reports of ``bench/bench_ships.py``, ten runs each:
peak 412-466 MB without, 416-432 MB with a trim after reading, after the intervals and
after the emissions (:func:`portcap.engine.run_ships`); a trim takes about a millisecond.

On a C library without ``malloc_trim`` (musl, macOS, Windows) :func:`trim` does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
from collections.abc import Callable


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        function = ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_size_t]
    function.restype = ctypes.c_int
    return function


def trim() -> bool:
    """Return the C heap's free memory to the system; ``True`` if any was returned.

    Examples
    --------
    >>> trim() in (True, False)
    True
    """
    function = _malloc_trim()
    return bool(function(0)) if function is not None else False
