"""Options of polars' memory allocator for the command line (imported before polars).

polars allocates with jemalloc and sets its page decay itself when it loads (freed
pages kept 500 ms, then "muzzy" for 1 s; ``polars/__init__.py``, pola-rs/polars#18088
and #21829), adding what ``_RJEM_MALLOC_CONF`` holds after its own values, so that a
value set there wins. A ``portcap ships`` run parses, cleans and lets go one block of
the file after another, each within a fraction of a second, so with those values the
pages of the blocks before are still held when the next ones need new pages: the peak
is set by freed memory, not by the data. jemalloc also purges an arena only when a thread
allocates from it, so pages that the main thread frees into the arena of an idle polars
worker stay. Here (jemalloc's ``MALLOC_CONF``, https://jemalloc.net/jemalloc.3.html,
"TUNING") freed pages go back to the system after 2 ms (``dirty_decay_ms:2``, and not
kept "muzzy": ``muzzy_decay_ms:0``), and a background thread purges idle arenas
(``background_thread:true``). Peak and wall time of ``portcap ships`` on the 2 million
reports (232.5 MB of CSV) of ``bench/bench_ships.py``, five runs each:

* polars' values: 535-551 MB (2.3-2.4 x the file), 3.7-3.9 s;
* these: 422-434 MB (1.8-1.9 x), 3.6-3.9 s;
* ``dirty_decay_ms:0``: 401-405 MB (1.7 x), 4.2-4.5 s: every page freed is mapped
  again when it is next used, mostly while the file is read.

The options must be in the environment before polars loads, so :mod:`portcap.cli`
imports this module first. Options the user set in ``_RJEM_MALLOC_CONF`` come after
these and win (``_RJEM_MALLOC_CONF=dirty_decay_ms:0`` for the least memory). A
process started by one that had loaded polars inherits polars' own values in that
variable (polars writes them into ``os.environ``); they are recognised and dropped, or
they would undo these. Imported after polars, this module changes only what the
processes started later inherit.
"""

from __future__ import annotations

import os

#: jemalloc options for the command line; ``_RJEM_MALLOC_CONF`` can override each.
JEMALLOC_OPTIONS = "background_thread:true,dirty_decay_ms:2,muzzy_decay_ms:0"
#: What polars puts before the user's options (``polars/__init__.py``, polars 1.2x-2.x).
_POLARS_OPTIONS = "dirty_decay_ms:500,muzzy_decay_ms:1000"


def allocator_options(current: str | None) -> str:
    """Return the value of ``_RJEM_MALLOC_CONF`` to set, given its current value.

    Examples
    --------
    >>> allocator_options(None)
    'background_thread:true,dirty_decay_ms:2,muzzy_decay_ms:0'
    >>> allocator_options("dirty_decay_ms:500,muzzy_decay_ms:1000,narenas:2")
    'background_thread:true,dirty_decay_ms:2,muzzy_decay_ms:0,narenas:2'
    """
    user = current or ""
    if user.startswith(_POLARS_OPTIONS):
        user = user.removeprefix(_POLARS_OPTIONS)
    user = user.strip(",")
    if user.startswith(JEMALLOC_OPTIONS):  # set by a parent that imported this module
        user = user.removeprefix(JEMALLOC_OPTIONS).strip(",")
    return ",".join(part for part in (JEMALLOC_OPTIONS, user) if part)


os.environ["_RJEM_MALLOC_CONF"] = allocator_options(os.environ.get("_RJEM_MALLOC_CONF"))
