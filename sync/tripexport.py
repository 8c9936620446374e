"""Exports of the driving experience log: GPX 1.1, CSV, JSON and a logbook.

Samples are read in chunks (``TripLog.iter_samples``), each chunk its own
short read. So an export of a long history beside the recorder never
keeps a read snapshot open that would make its writes wait. ``progress`` is
called with (samples done, samples in total) as the export goes.
"""

from __future__ import annotations

import csv
import json
from datetime import datetime, timezone
from typing import Any, Callable, TextIO
from xml.sax.saxutils import escape, quoteattr

from sync.triplog import PURPOSES, TripLog, TripSummary

Progress = Callable[[int, int], None]

#: Positions further apart in time than this start a new GPX track segment,
#: so a viewer does not draw a straight line across a gap, in seconds.
GPX_SEGMENT_GAP_S = 10.0

CSV_SAMPLE_COLUMNS = (
    "trip_id", "time", "t", "speed_kmh", "distance_m", "soc_percent", "power_w",
    "energy_kwh", "fuel_percent", "latitude", "longitude", "odometer_km", "gear",
    "climate_power_w", "logged",
)

LOGBOOK_COLUMNS = (
    "date", "start", "end", "purpose", "distance_km", "odometer_start_km",
    "odometer_end_km", "start_latitude", "start_longitude", "end_latitude",
    "end_longitude", "tags", "trip_id",
)


def iso_time(t: float) -> str:
    """Format Unix seconds as UTC ISO 8601 with a Z, as GPX requires."""
    moment = datetime.fromtimestamp(t, tz=timezone.utc)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def sample_total(log: TripLog, trips: list[TripSummary]) -> int:
    """Number of samples the trips have on disk, for a progress bar."""
    if not trips:
        return 0
    marks = ",".join("?" * len(trips))
    rows = log.store.query(
        f"select count(*) as n from samples where trip_id in ({marks})",
        [trip.id for trip in trips],
    )
    return rows[0]["n"]


def write_gpx(log: TripLog, trips: list[TripSummary], out: TextIO,
              progress: Progress | None = None) -> None:
    """Write the trips as GPX 1.1 tracks, one ``trk`` per trip."""
    total = sample_total(log, trips)
    done = 0
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write('<gpx version="1.1" creator="community-headunit" '
              'xmlns="http://www.topografix.com/GPX/1/1">\n')
    out.write(f"  <metadata><time>{iso_time(datetime.now().timestamp())}</time>"
              "</metadata>\n")
    for trip in trips:
        name = datetime.fromtimestamp(trip.started_at).strftime("Trip %Y-%m-%d %H:%M")
        out.write("  <trk>\n")
        out.write(f"    <name>{escape(name)}</name>\n")
        out.write(f"    <desc>{escape(_describe(trip))}</desc>\n")
        out.write("    <type>driving</type>\n")
        open_segment = False
        last_t: float | None = None
        for sample in log.iter_samples(trip.id):
            done += 1
            if progress and done % 500 == 0:
                progress(done, total)
            lat, lon = sample["latitude"], sample["longitude"]
            if lat is None or lon is None:
                continue
            if open_segment and last_t is not None and sample["t"] - last_t > GPX_SEGMENT_GAP_S:
                out.write("    </trkseg>\n")
                open_segment = False
            if not open_segment:
                out.write("    <trkseg>\n")
                open_segment = True
            out.write(
                f"      <trkpt lat={quoteattr(f'{lat:.7f}')} lon={quoteattr(f'{lon:.7f}')}>"
                f"<time>{iso_time(sample['t'])}</time></trkpt>\n"
            )
            last_t = sample["t"]
        if open_segment:
            out.write("    </trkseg>\n")
        out.write("  </trk>\n")
    out.write("</gpx>\n")
    if progress:
        progress(total, total)


def write_csv(log: TripLog, trips: list[TripSummary], out: TextIO,
              progress: Progress | None = None) -> None:
    """Write every sample of the trips as one CSV row, with a header."""
    total = sample_total(log, trips)
    done = 0
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_SAMPLE_COLUMNS)
    for trip in trips:
        for sample in log.iter_samples(trip.id):
            done += 1
            if progress and done % 500 == 0:
                progress(done, total)
            row = dict(sample, time=iso_time(sample["t"]))
            writer.writerow(["" if row.get(name) is None else row[name]
                             for name in CSV_SAMPLE_COLUMNS])
    if progress:
        progress(total, total)


def write_json(log: TripLog, trips: list[TripSummary], out: TextIO,
               progress: Progress | None = None) -> None:
    """Write the trips with summaries, samples, events and gaps as one JSON document."""
    total = sample_total(log, trips)
    done = 0
    out.write('{"format": "community-headunit trips 1", "trips": [')
    for index, trip in enumerate(trips):
        samples = []
        for sample in log.iter_samples(trip.id):
            done += 1
            if progress and done % 500 == 0:
                progress(done, total)
            sample = dict(sample)
            sample.pop("trip_id", None)
            if sample.get("logged"):
                sample["logged"] = json.loads(sample["logged"])
            samples.append(sample)
        document: dict[str, Any] = {
            "summary": _summary_dict(trip),
            "samples": samples,
            "events": log.events(trip.id),
            "gaps": log.gaps(trip.id),
        }
        out.write(("," if index else "") + "\n" + json.dumps(document, ensure_ascii=False))
    out.write("\n]}\n")
    if progress:
        progress(total, total)


def write_logbook(log: TripLog, trips: list[TripSummary], out: TextIO) -> dict[str, float]:
    """Write a driver's logbook as CSV, one row per trip, then totals per purpose.

    Returns the kilometres per purpose; trips without a purpose count as
    ``unassigned``.
    """
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(LOGBOOK_COLUMNS)
    totals: dict[str, float] = {purpose: 0.0 for purpose in (*PURPOSES, "unassigned")}
    for trip in trips:
        purpose = trip.purpose or "unassigned"
        distance_km = trip.distance_m / 1000
        totals[purpose] += distance_km
        start = datetime.fromtimestamp(trip.started_at)
        end = datetime.fromtimestamp(trip.ended_at) if trip.ended_at else None
        writer.writerow([
            start.date().isoformat(),
            start.strftime("%H:%M:%S"),
            end.strftime("%H:%M:%S") if end else "",
            purpose,
            f"{distance_km:.2f}",
            _number(trip.odometer_start_km),
            _number(trip.odometer_end_km),
            _number(trip.start_latitude, 5),
            _number(trip.start_longitude, 5),
            _number(trip.end_latitude, 5),
            _number(trip.end_longitude, 5),
            ";".join(trip.tags),
            trip.id,
        ])
    writer.writerow([])
    writer.writerow(["purpose", "distance_km"])
    for purpose, distance in totals.items():
        writer.writerow([purpose, f"{distance:.2f}"])
    writer.writerow(["total", f"{sum(totals.values()):.2f}"])
    return totals


def _number(value: float | None, digits: int = 1) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def _summary_dict(trip: TripSummary) -> dict[str, Any]:
    summary = {name: getattr(trip, name) for name in trip.__dataclass_fields__}
    summary["tags"] = list(trip.tags)
    return summary


def _describe(trip: TripSummary) -> str:
    parts = [f"{trip.distance_m / 1000:.2f} km", f"{trip.duration_s / 60:.1f} min"]
    if trip.consumption_kwh_per_100km is not None:
        parts.append(f"{trip.consumption_kwh_per_100km:.1f} kWh/100 km")
    if trip.purpose:
        parts.append(trip.purpose)
    return ", ".join(parts)
