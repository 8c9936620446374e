"""Pixel density of the head unit's screen: how many pixels make one dp.

One dp is 1/160 inch, so a touch target of 76 dp is the same size on
every screen. The density follows from the resolution and the diagonal.
The diagonals below are those of common head-unit panels, and the
panel's real size can replace them.
"""

from __future__ import annotations

import math

#: Diagonal in inches of the usual panel for each resolution.
PANEL_DIAGONAL_IN = {
    (1280, 720): 10.1,
    (1920, 720): 12.3,
    (1024, 600): 7.0,
}
#: Density assumed for other resolutions when no diagonal is given, in dpi.
DEFAULT_DPI = 160.0
DP_PER_INCH = 160.0


def pixels_per_dp(width: int, height: int, diagonal_in: float | None = None) -> float:
    """Return the screen's pixels per dp.

    ``diagonal_in`` defaults to ``PANEL_DIAGONAL_IN`` for the resolution,
    else the screen counts as ``DEFAULT_DPI``.
    """
    diagonal = diagonal_in or PANEL_DIAGONAL_IN.get((width, height))
    if not diagonal:
        return DEFAULT_DPI / DP_PER_INCH
    dpi = math.hypot(width, height) / diagonal
    return dpi / DP_PER_INCH
