"""The command line's options for polars' allocator (``portcap._allocator``)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from portcap._allocator import JEMALLOC_OPTIONS, allocator_options


@pytest.mark.parametrize(
    ("current", "expected"),
    [
        (None, JEMALLOC_OPTIONS),
        ("", JEMALLOC_OPTIONS),
        # the user's options come last, so that jemalloc lets them win
        ("dirty_decay_ms:0", f"{JEMALLOC_OPTIONS},dirty_decay_ms:0"),
        # polars' own values, inherited from a parent that loaded polars, are dropped
        ("dirty_decay_ms:500,muzzy_decay_ms:1000", JEMALLOC_OPTIONS),
        ("dirty_decay_ms:500,muzzy_decay_ms:1000,narenas:2", f"{JEMALLOC_OPTIONS},narenas:2"),
        # a parent that imported portcap: not repeated
        (
            f"dirty_decay_ms:500,muzzy_decay_ms:1000,{JEMALLOC_OPTIONS},narenas:2",
            f"{JEMALLOC_OPTIONS},narenas:2",
        ),
    ],
)
def test_allocator_options(current: str | None, expected: str) -> None:
    assert allocator_options(current) == expected


def test_the_command_line_sets_them_before_polars_loads() -> None:
    code = (
        "import os, sys; import portcap.cli; "
        "print(os.environ['_RJEM_MALLOC_CONF']); print('polars' in sys.modules)"
    )
    env = {**os.environ, "_RJEM_MALLOC_CONF": "dirty_decay_ms:500,muzzy_decay_ms:1000,narenas:2"}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    # polars put its values first when it loaded, after portcap's module had run
    assert out[0] == f"dirty_decay_ms:500,muzzy_decay_ms:1000,{JEMALLOC_OPTIONS},narenas:2"
    assert out[1] == "True"
