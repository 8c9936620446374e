"""Positions of a simulated drive, from its phase speeds and headings.

The car starts at the scenario's ``[gps]`` point and drives in a straight
line on its current heading. A phase with ``heading_deg`` turns it when
the phase begins. Speed changes linearly inside a phase, as the CAN
simulator plays it, so the distance within a phase has a closed form.
Positions use a local flat-earth step (an equirectangular projection),
whose error is well below GPS noise over the few kilometres of a scenario.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from vehicle.scenario import GpsStart, Phase

#: Mean Earth radius in metres (IUGG).
EARTH_RADIUS_M = 6_371_008.8


@dataclass(frozen=True)
class TrackPoint:
    """A position of the car at ``t`` simulated seconds, with the receiver's fix state."""

    t: float
    latitude: float
    longitude: float
    heading_deg: float
    speed_kmh: float
    #: False during a phase without GPS reception (a tunnel).
    has_fix: bool


@dataclass(frozen=True)
class _Leg:
    start_t: float
    duration_s: float
    start_speed_kmh: float
    end_speed_kmh: float
    heading_deg: float
    latitude: float
    longitude: float
    has_fix: bool


class GpsTrack:
    """The positions of one pass through a drive cycle."""

    def __init__(self, phases: tuple[Phase, ...], start: GpsStart | None = None) -> None:
        if not phases:
            raise ValueError("a GPS track needs at least one phase")
        start = start or GpsStart()
        self.start = start
        self._legs: list[_Leg] = []
        t = 0.0
        speed = 0.0
        heading = start.heading_deg
        latitude, longitude = start.latitude, start.longitude
        for phase in phases:
            if phase.heading_deg is not None:
                heading = phase.heading_deg
            leg = _Leg(t, phase.duration_s, speed, phase.end_speed_kmh, heading,
                       latitude, longitude, not phase.gps_lost)
            self._legs.append(leg)
            latitude, longitude = _move(latitude, longitude, heading,
                                        _distance_m(leg, phase.duration_s))
            t += phase.duration_s
            speed = phase.end_speed_kmh
        self.duration_s = t
        #: Where the track ends, as a start for the next pass of a looped cycle.
        self.end = GpsStart(latitude, longitude, heading)

    def point_at(self, t: float) -> TrackPoint:
        """Return the position at ``t`` seconds; past the end, the last position."""
        leg = self._legs[-1]
        for candidate in self._legs:
            if t < candidate.start_t + candidate.duration_s:
                leg = candidate
                break
        elapsed = min(max(t - leg.start_t, 0.0), leg.duration_s)
        fraction = elapsed / leg.duration_s
        speed = leg.start_speed_kmh + (leg.end_speed_kmh - leg.start_speed_kmh) * fraction
        latitude, longitude = _move(leg.latitude, leg.longitude, leg.heading_deg,
                                    _distance_m(leg, elapsed))
        return TrackPoint(t, latitude, longitude, leg.heading_deg, speed, leg.has_fix)

    def points(self, period_s: float = 1.0) -> list[TrackPoint]:
        """Return a point every ``period_s`` seconds from 0 to the end of the cycle."""
        count = int(self.duration_s / period_s) + 1
        return [self.point_at(index * period_s) for index in range(count)]


def _distance_m(leg: _Leg, elapsed_s: float) -> float:
    """Distance driven ``elapsed_s`` seconds into a leg, under linear speed change."""
    v0 = leg.start_speed_kmh / 3.6
    v1 = leg.end_speed_kmh / 3.6
    acceleration = (v1 - v0) / leg.duration_s
    return v0 * elapsed_s + acceleration * elapsed_s**2 / 2


def _move(latitude: float, longitude: float, heading_deg: float,
          distance_m: float) -> tuple[float, float]:
    heading = math.radians(heading_deg)
    north_m = distance_m * math.cos(heading)
    east_m = distance_m * math.sin(heading)
    latitude_out = latitude + math.degrees(north_m / EARTH_RADIUS_M)
    longitude_out = longitude + math.degrees(
        east_m / (EARTH_RADIUS_M * math.cos(math.radians(latitude)))
    )
    return latitude_out, longitude_out
