"""Clubs nearby, owners' service experience and the model's ratings."""

from __future__ import annotations

from pathlib import Path

import pytest

import assets
from headunit.clubs import BY_START
from headunit.community import Community
from headunit.feedback import NotWhileMoving
from headunit.ratings import percentile_of
from headunit.restrictions import MAX_MOVING_LIST_ITEMS, MAX_MOVING_TEXT_CHARS
from sync.store import Store
from sync.triplog import TripLog, TripSummary
from tests.community_helpers import NOW, WEST_LAKE, snapshot
from vehicle.profile import load_profile

PARKED_AT_LAKE = dict(
    moving=False, speed=0.0, latitude=WEST_LAKE[0], longitude=WEST_LAKE[1]
)


@pytest.fixture
def community(db_path: Path):
    store = Store(db_path)
    yield Community(store, load_profile(assets.DEMO_PROFILE), clock=lambda: NOW)
    store.close()


# -- clubs ----------------------------------------------------------------


def test_events_sorted_by_distance(community):
    rows = community.events_nearby(snapshot(**PARKED_AT_LAKE), "zh_CN")
    distances = [row.distance_km for row in rows]
    assert len(rows) >= 4
    assert distances == sorted(distances)
    assert all(row.near == "car" for row in rows)


def test_events_sorted_by_start(community):
    rows = community.events_nearby(snapshot(**PARKED_AT_LAKE), "en_US", order=BY_START)
    starts = [row.starts_at for row in rows]
    assert starts == sorted(starts)


def test_events_exclude_past_and_far(community):
    ids = [
        row.event_id
        for row in community.events_nearby(snapshot(**PARKED_AT_LAKE), "zh_CN")
    ]
    assert "evt-aurora-nov-meet" not in ids
    assert "evt-ningbo-meet" not in ids


def test_events_show_organiser_and_attendees(community):
    row = community.events_nearby(snapshot(**PARKED_AT_LAKE), "zh_CN")[0]
    assert row.organiser_name
    assert row.attendees > 0
    assert row.club_name


def test_events_without_fix_use_usual_area(db_path):
    store = Store(db_path)
    log = TripLog(store)
    for number in range(3):
        trip = log.start_trip("demo", 1000.0 + number * 100)
        log.add_sample(
            trip, 1000.0 + number * 100, {"latitude": 30.209, "longitude": 120.206}
        )
        log.add_sample(
            trip, 1050.0 + number * 100, {"latitude": 30.28, "longitude": 120.03}
        )
        log.close_trip(trip, 1060.0 + number * 100, "parked")
    community = Community(store, load_profile(assets.DEMO_PROFILE), clock=lambda: NOW)
    area = community.usual_area()
    rows = community.events_nearby(snapshot(moving=False, speed=0.0), "zh_CN")
    store.close()
    assert len(area) == 2
    assert rows
    assert all(row.near == "usual_area" for row in rows)


def test_no_events_without_position_or_history(community):
    assert community.events_nearby(snapshot(moving=False), "zh_CN") == []


def test_events_moving_limits(community):
    state = snapshot(
        moving=True, speed=50.0, latitude=WEST_LAKE[0], longitude=WEST_LAKE[1]
    )
    rows = community.events_nearby(state, "zh_CN")
    assert len(rows) == MAX_MOVING_LIST_ITEMS
    for row in rows:
        assert len(row.title) <= MAX_MOVING_TEXT_CHARS["zh"]
        assert len(row.venue) <= MAX_MOVING_TEXT_CHARS["zh"]


def test_event_detail_parked_and_moving(community):
    parked = community.event_detail(
        "evt-aurora-dec-meet", snapshot(**PARKED_AT_LAKE), "zh_CN"
    )
    moving = community.event_detail(
        "evt-aurora-dec-meet", snapshot(moving=True, speed=40.0), "zh_CN"
    )
    assert parked.full and parked.can_rsvp
    assert len(parked.description) > MAX_MOVING_TEXT_CHARS["zh"]
    assert not moving.full
    assert not moving.can_rsvp
    assert len(moving.description) <= MAX_MOVING_TEXT_CHARS["zh"]
    assert community.event_detail("no-such-event", snapshot(), "zh_CN") is None


def test_rsvp_parked_counts_and_queues(community):
    state = snapshot(**PARKED_AT_LAKE)
    event_id = "evt-aurora-dec-meet"
    before = community.event_detail(event_id, state, "zh_CN").row.attendees
    community.rsvp(event_id, True, state)
    community.rsvp(event_id, True, state)
    after = community.event_detail(event_id, state, "zh_CN").row
    queued = community.queue.pending()
    assert after.attendees == before + 1
    assert after.rsvp == "going"
    assert [(item.kind, item.subject_id) for item in queued] == [
        ("event_rsvp", event_id)
    ]
    assert queued[0].payload["status"] == "going"


def test_rsvp_refused_while_moving(community):
    with pytest.raises(NotWhileMoving):
        community.rsvp("evt-aurora-dec-meet", True, snapshot(moving=True, speed=30.0))
    assert community.queue.pending() == []


def test_rsvp_unknown_event(community):
    with pytest.raises(KeyError):
        community.rsvp("evt-unknown", True, snapshot(moving=False))


# -- service experience ---------------------------------------------------


def test_service_view_parked_full(community):
    view = community.service_view(snapshot(dtcs=["P0A80"], **PARKED_AT_LAKE), "zh_CN")
    report = view.reports[0]
    assert not view.moving
    assert view.codes == ("P0A80",)
    assert report.cost_low <= report.cost_median <= report.cost_high
    assert report.currency == "CNY"
    assert report.warnings
    assert report.workshops
    assert report.workshops[0].recommended
    assert all(w.distance_km is not None for w in report.workshops)


def test_service_view_moving_one_line(community):
    state = snapshot(moving=True, speed=70.0, dtcs=["P0A80", "P0562"])
    view = community.service_view(state, "zh_CN")
    assert view.moving
    assert view.reports == ()
    assert "\n" not in view.notice
    assert len(view.notice) <= MAX_MOVING_TEXT_CHARS["zh"]


def test_service_view_none_without_known_code(community):
    assert (
        community.service_view(snapshot(moving=False, dtcs=["B1234"]), "zh_CN") is None
    )
    assert community.service_view(snapshot(moving=False), "zh_CN") is None


def test_service_experience_for_other_model(db_path):
    store = Store(db_path)
    profile = load_profile(assets.PROFILES_DIR / "hyundai-genesis-coupe.toml")
    community = Community(store, profile, clock=lambda: NOW)
    e5_only = community.service_view(snapshot(moving=False, dtcs=["P0A80"]), "en")
    any_model = community.service_view(snapshot(moving=False, dtcs=["P0562"]), "en")
    store.close()
    assert e5_only is None
    assert any_model is not None
    assert any_model.reports[0].dtc == "P0562"


# -- ratings --------------------------------------------------------------


def _trip(distance_km: float, energy_kwh: float | None) -> TripSummary:
    return TripSummary(
        "trip-1",
        "demo",
        "closed",
        0.0,
        1800.0,
        "parked",
        distance_km * 1000,
        1800.0,
        40.0,
        90.0,
        energy_kwh,
        None,
        1800,
    )


def test_satisfaction_index(community):
    index = community.satisfaction()
    assert index.model == "Aurora E5"
    assert 0 <= index.score <= 100
    assert index.ratings > 0


def test_trip_better_than_most(community):
    comparison = community.compare_trip(_trip(30.0, 3.6))
    assert comparison.consumption == pytest.approx(12.0)
    assert comparison.percentile < 25
    assert "省" in comparison.text("zh_CN")
    assert "less than about" in comparison.text("en")
    assert len(comparison.chart.percentiles) == 5
    assert comparison.chart.trip_value == pytest.approx(12.0)


def test_trip_worse_than_most(community):
    comparison = community.compare_trip(_trip(20.0, 4.2))
    assert comparison.percentile > 75
    assert "more than about" in comparison.text("en")
    assert "用得多" in comparison.text("zh")


def test_trip_typical(community):
    comparison = community.compare_trip(_trip(20.0, 3.0))
    assert "same as most" in comparison.text("en")


def test_short_or_unknown_trip_not_compared(community):
    assert community.compare_trip(_trip(1.0, 0.2)) is None
    assert community.compare_trip(_trip(30.0, None)) is None


def test_percentile_interpolation():
    values = (10.0, 12.0, 14.0, 16.0, 18.0)
    assert percentile_of(14.0, values) == pytest.approx(50.0)
    assert percentile_of(13.0, values) == pytest.approx(37.5)
    assert percentile_of(5.0, values) == pytest.approx(5.0)
    assert percentile_of(30.0, values) == pytest.approx(95.0)
