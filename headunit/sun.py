"""Sunrise and sunset from the car's position, without a network.

Uses NOAA's general solar position approximation (the "fractional year"
equations of the NOAA Global Monitoring Laboratory's solar calculator
notes), which is accurate to a minute or two between the polar circles.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

#: Zenith angle of the sun's centre at sunrise and sunset, in degrees:
#: 90° plus 0.833° for atmospheric refraction and the sun's radius.
SUNRISE_ZENITH_DEG = 90.833


@dataclass(frozen=True)
class SunTimes:
    """Sunrise and sunset of one UTC date; None for both in polar day or night."""

    sunrise: datetime | None
    sunset: datetime | None
    #: True when the sun stays up all day, False when it stays down all
    #: day, None on an ordinary day.
    polar_day: bool | None = None


def _solar_terms(when: datetime) -> tuple[float, float]:
    """Return the equation of time (minutes) and declination (radians) at ``when``."""
    day_of_year = when.timetuple().tm_yday
    hour = when.hour + when.minute / 60 + when.second / 3600
    year_days = 366 if _is_leap(when.year) else 365
    gamma = 2 * math.pi / year_days * (day_of_year - 1 + (hour - 12) / 24)
    equation_of_time = 229.18 * (
        0.000075
        + 0.001868 * math.cos(gamma)
        - 0.032077 * math.sin(gamma)
        - 0.014615 * math.cos(2 * gamma)
        - 0.040849 * math.sin(2 * gamma)
    )
    declination = (
        0.006918
        - 0.399912 * math.cos(gamma)
        + 0.070257 * math.sin(gamma)
        - 0.006758 * math.cos(2 * gamma)
        + 0.000907 * math.sin(2 * gamma)
        - 0.002697 * math.cos(3 * gamma)
        + 0.00148 * math.sin(3 * gamma)
    )
    return equation_of_time, declination


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def sun_times(latitude: float, longitude: float, when: datetime) -> SunTimes:
    """Compute sunrise and sunset (UTC) for the UTC date of ``when``.

    ``latitude`` and ``longitude`` are WGS 84 degrees, east and north
    positive. The times may fall on the day before or after that date for
    places far from Greenwich, as they do for Beijing's sunrise.
    """
    when = when.astimezone(timezone.utc)
    noon = when.replace(hour=12, minute=0, second=0, microsecond=0)
    equation_of_time, declination = _solar_terms(noon)
    lat = math.radians(latitude)
    cos_hour_angle = math.cos(math.radians(SUNRISE_ZENITH_DEG)) / (
        math.cos(lat) * math.cos(declination)
    ) - math.tan(lat) * math.tan(declination)
    if cos_hour_angle > 1:
        return SunTimes(None, None, polar_day=False)
    if cos_hour_angle < -1:
        return SunTimes(None, None, polar_day=True)
    hour_angle = math.degrees(math.acos(cos_hour_angle))
    midnight = noon.replace(hour=0)
    sunrise_min = 720 - 4 * (longitude + hour_angle) - equation_of_time
    sunset_min = 720 - 4 * (longitude - hour_angle) - equation_of_time
    return SunTimes(
        midnight + timedelta(minutes=sunrise_min),
        midnight + timedelta(minutes=sunset_min),
    )


def is_daylight(latitude: float, longitude: float, when: datetime) -> bool:
    """Return whether the sun is above the horizon at ``when`` at the given place."""
    when = when.astimezone(timezone.utc)
    times = sun_times(latitude, longitude, when)
    if times.sunrise is None or times.sunset is None:
        return bool(times.polar_day)
    day_length = (times.sunset - times.sunrise).total_seconds()
    # The date's sunrise may be yesterday or tomorrow in UTC, so compare
    # modulo one day.
    since_sunrise = (when - times.sunrise).total_seconds() % 86_400
    return since_sunrise < day_length
