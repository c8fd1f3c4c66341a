"""Unit conversion constants used across portcap (exact or standard values).

portcap computes in SI-style units named in every column (kW, kWh, g, metric tonnes);
US customary units appear only where a source states its factors in them (g/bhp-hr,
g/mile, gallons) and at the edge, where published tonnages are short tons.

Examples
--------
>>> round(100 * KW_PER_HP, 4)
74.5700
>>> G_PER_SHORT_TON / G_PER_TONNE
0.90718474
"""

from __future__ import annotations

__all__ = [
    "G_PER_LB",
    "G_PER_SHORT_TON",
    "G_PER_TONNE",
    "KG_PER_SHORT_TON",
    "KM_PER_MILE",
    "KM_PER_NMI",
    "KW_PER_HP",
    "L_PER_GAL",
    "SHORT_TONS_PER_TONNE",
]

KW_PER_HP: float = 0.745699872
"""Kilowatts per mechanical (imperial) horsepower: 550 ft·lbf/s (NIST SP 811, B.8)."""

G_PER_LB: float = 453.59237
"""Grams per avoirdupois pound (exact, NIST SP 811)."""

G_PER_SHORT_TON: float = 2000.0 * G_PER_LB
"""Grams per short ton (2,000 lb; exact): 907,184.74 g."""

KG_PER_SHORT_TON: float = G_PER_SHORT_TON / 1000.0
"""Kilograms per short ton: 907.18474 kg."""

G_PER_TONNE: float = 1.0e6
"""Grams per metric tonne."""

SHORT_TONS_PER_TONNE: float = G_PER_TONNE / G_PER_SHORT_TON
"""Short tons per metric tonne: 1.10231..."""

KM_PER_MILE: float = 1.609344
"""Kilometres per statute mile (exact)."""

KM_PER_NMI: float = 1.852
"""Kilometres per international nautical mile (exact)."""

L_PER_GAL: float = 3.785411784
"""Litres per US liquid gallon (exact)."""
