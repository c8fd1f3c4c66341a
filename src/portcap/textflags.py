"""Yes/no cells of user CSV files: the one parser, so every input file accepts the same words."""

from __future__ import annotations

import pandas as pd

TRUE_WORDS: frozenset[str] = frozenset({"true", "1", "yes", "y", "t"})
"""Cell texts read as true (case-insensitive, surrounding blanks ignored)."""
FALSE_WORDS: frozenset[str] = frozenset({"false", "0", "no", "n", "f"})
"""Cell texts read as false."""


def parse_flags(values: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Parse yes/no text cells.

    Parameters
    ----------
    values : pandas.Series
        Cell texts (missing values count as blank).

    Returns
    -------
    tuple of pandas.Series
        ``(flags, blank, bad)``, aligned to ``values``: the boolean read (False where
        blank or bad), whether the cell is blank, and whether it is neither blank nor a
        word of :data:`TRUE_WORDS` or :data:`FALSE_WORDS`.

    Examples
    --------
    >>> flags, blank, bad = parse_flags(pd.Series(["Yes", " 0", "", "maybe"]))
    >>> flags.tolist(), blank.tolist(), bad.tolist()
    ([True, False, False, False], [False, False, True, False], [False, False, False, True])
    """
    text = values.astype("string").str.strip().str.lower().fillna("")
    blank = text == ""
    flags = text.isin(list(TRUE_WORDS)).astype(bool)
    bad = ~(blank | text.isin(list(TRUE_WORDS | FALSE_WORDS)))
    return flags, blank.astype(bool), bad.astype(bool)
