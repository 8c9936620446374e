"""Day and night colours of the UI, and when to use which.

One ``Palette`` type names colours by role; ``DAY`` and ``NIGHT`` are its
two instances, and an OEM's brand colour replaces the accent of both.
``DayNightSwitch`` decides between them: the driver's choice first, then
a light sensor or the low beam when the car reports one, then the sun's
position at the car (or at a configured place).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from headunit import sun
from headunit.restrictions import MIN_TEXT_CONTRAST
from vehicle import vss

#: Theme modes the driver can choose.
MODE_AUTO = "auto"
MODE_DAY = "day"
MODE_NIGHT = "night"
MODES = (MODE_AUTO, MODE_DAY, MODE_NIGHT)

#: Reasons for the current theme, shown on the settings screen.
REASON_DRIVER = "driver"
REASON_LIGHT_SENSOR = "light_sensor"
REASON_HEADLIGHTS = "headlights"
REASON_SUN = "sun"

#: Outside light below which the night theme starts, in percent of the
#: sensor's range (VSS: 0 is dark, 100 full light).
NIGHT_BELOW_LIGHT_PERCENT = 15.0
#: Outside light above which the day theme comes back. The gap to
#: NIGHT_BELOW_LIGHT_PERCENT keeps the theme from flickering under
#: street lights and in tunnels.
DAY_ABOVE_LIGHT_PERCENT = 25.0
#: Place used for sunset when the car reports no position: Beijing.
DEFAULT_POSITION = (39.9042, 116.4074)


@dataclass(frozen=True)
class Palette:
    """UI colours by role, as ``#rrggbb`` strings."""

    background: str
    surface: str
    text: str
    secondary_text: str
    stale_text: str
    accent: str
    text_on_accent: str
    #: Text and lines in the accent's hue, readable on the surface and background.
    accent_text: str
    divider: str
    warning: str
    warning_surface: str
    recording: str
    navigation_bar: str
    navigation_text: str
    status_bar: str
    status_text: str


DAY = Palette(
    background="#eef1f5",
    surface="#ffffff",
    text="#11161d",
    secondary_text="#46505e",
    stale_text="#5f6875",
    accent="#0b5cad",
    text_on_accent="#ffffff",
    accent_text="#0b5cad",
    divider="#c9d0d9",
    warning="#9c1c12",
    warning_surface="#fde8e5",
    recording="#b02a1e",
    navigation_bar="#1b222c",
    navigation_text="#e3e8ee",
    status_bar="#1b222c",
    status_text="#e3e8ee",
)

NIGHT = Palette(
    background="#0b0e12",
    surface="#171c23",
    text="#e8ecf1",
    secondary_text="#aab4c0",
    stale_text="#8f99a5",
    accent="#5ea8f2",
    text_on_accent="#07111c",
    accent_text="#5ea8f2",
    divider="#2c343e",
    warning="#ff9c8f",
    warning_surface="#3a1512",
    recording="#ff8a7a",
    navigation_bar="#000000",
    navigation_text="#c9d1db",
    status_bar="#000000",
    status_text="#c9d1db",
)


def relative_luminance(colour: str) -> float:
    """Return the WCAG 2 relative luminance of a ``#rrggbb`` colour."""
    channels = []
    for start in (1, 3, 5):
        value = int(colour[start : start + 2], 16) / 255
        if value <= 0.04045:
            channels.append(value / 12.92)
        else:
            channels.append(((value + 0.055) / 1.055) ** 2.4)
    red, green, blue = channels
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: str, second: str) -> float:
    """Return the WCAG 2 contrast ratio of two colours, from 1 to 21."""
    light, dark = sorted(
        (relative_luminance(first), relative_luminance(second)), reverse=True
    )
    return (light + 0.05) / (dark + 0.05)


#: WCAG 2 contrast a filled control needs against what surrounds it.
MIN_COMPONENT_CONTRAST = 3.0


def text_on(colour: str) -> str:
    """Return black or white, whichever reads better on ``colour``."""
    return max(("#ffffff", "#000000"), key=lambda text: contrast_ratio(colour, text))


def brand_accent_problem(palette: Palette, accent: str) -> str:
    """Return why ``accent`` cannot replace the accent of ``palette``; "" if it can.

    The accent fills buttons on the background, so it needs
    ``MIN_COMPONENT_CONTRAST`` against it, and carries black or white text.
    """
    ratio = contrast_ratio(accent, palette.background)
    if ratio < MIN_COMPONENT_CONTRAST:
        return (
            f"contrast {ratio:.1f}:1 against the background {palette.background}, "
            f"below {MIN_COMPONENT_CONTRAST:.0f}:1"
        )
    on_accent = text_on(accent)
    ratio = contrast_ratio(accent, on_accent)
    if ratio < MIN_TEXT_CONTRAST:
        return f"text contrast {ratio:.1f}:1 on it, below {MIN_TEXT_CONTRAST}:1"
    return ""


def readable_on(colour: str, backgrounds: tuple[str, ...]) -> str:
    """Return ``colour``, mixed towards black or white until it reads as text.

    The result has ``MIN_TEXT_CONTRAST`` against every colour of
    ``backgrounds``, which must all be light or all dark.
    """
    dark_backgrounds = all(relative_luminance(behind) < 0.2 for behind in backgrounds)
    target = 255 if dark_backgrounds else 0
    channels = [int(colour[start : start + 2], 16) for start in (1, 3, 5)]
    for step in range(21):
        share = step / 20
        mixed = "#" + "".join(
            f"{round(channel + (target - channel) * share):02x}" for channel in channels
        )
        if all(contrast_ratio(mixed, behind) >= MIN_TEXT_CONTRAST for behind in backgrounds):
            return mixed
    return "#ffffff" if dark_backgrounds else "#000000"


def with_brand(palette: Palette, accent: str | None) -> Palette:
    """Return ``palette`` with the brand's accent and readable text on and in it.

    A brand colour that ``brand_accent_problem`` rejects keeps the
    palette's own accent; ``headunit doctor`` reports why. Text in the
    accent's hue (``accent_text``) is lightened or darkened as far as the
    surface and background need.
    """
    if accent is None or brand_accent_problem(palette, accent):
        return palette
    return dataclasses.replace(
        palette,
        accent=accent,
        text_on_accent=text_on(accent),
        accent_text=readable_on(accent, (palette.surface, palette.background)),
    )


class DayNightSwitch:
    """Chooses the night or day theme; keeps the state for hysteresis.

    Not thread-safe: the UI calls it from its own thread.
    """

    def __init__(self, default_position: tuple[float, float] = DEFAULT_POSITION):
        self.default_position = default_position
        self._night_by_light: bool | None = None

    def decide(
        self, mode: str, values: dict[str, Any], now: datetime | None = None
    ) -> tuple[bool, str]:
        """Return (night, reason) for the driver's ``mode`` and current values.

        ``values`` maps VSS paths to their current values (stale values left
        out): the outside light, the low beam and the car's position.
        """
        if mode == MODE_DAY:
            return False, REASON_DRIVER
        if mode == MODE_NIGHT:
            return True, REASON_DRIVER
        light = _number(values.get(vss.LIGHT_INTENSITY))
        if light is not None:
            return self._by_light(light), REASON_LIGHT_SENSOR
        self._night_by_light = None
        low_beam = values.get(vss.LOW_BEAM_ON)
        if isinstance(low_beam, bool):
            return low_beam, REASON_HEADLIGHTS
        latitude = _number(values.get(vss.LATITUDE))
        longitude = _number(values.get(vss.LONGITUDE))
        if latitude is None or longitude is None:
            latitude, longitude = self.default_position
        when = now or datetime.now(timezone.utc)
        return not sun.is_daylight(latitude, longitude, when), REASON_SUN

    def _by_light(self, light_percent: float) -> bool:
        if self._night_by_light is None:
            self._night_by_light = light_percent < NIGHT_BELOW_LIGHT_PERCENT
        elif self._night_by_light and light_percent > DAY_ABOVE_LIGHT_PERCENT:
            self._night_by_light = False
        elif not self._night_by_light and light_percent < NIGHT_BELOW_LIGHT_PERCENT:
            self._night_by_light = True
        return self._night_by_light


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None
