"""Unit systems for what the driver reads: metric by default, or imperial.

Values arrive in VSS units (km/h, m, celsius); these functions convert
them for display only. Stored trips always keep VSS units.
"""

from __future__ import annotations

METRIC = "metric"
IMPERIAL = "imperial"
SYSTEMS = (METRIC, IMPERIAL)

KM_PER_MILE = 1.609344


def speed(kmh: float, system: str) -> float:
    """Return a speed in km/h or mph."""
    return kmh / KM_PER_MILE if system == IMPERIAL else kmh


def distance(km: float, system: str) -> float:
    """Return a distance in km or miles."""
    return km / KM_PER_MILE if system == IMPERIAL else km


def temperature(celsius: float, system: str) -> float:
    """Return a temperature in °C or °F."""
    return celsius * 9 / 5 + 32 if system == IMPERIAL else celsius
