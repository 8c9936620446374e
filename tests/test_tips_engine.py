"""The tips engine: ranking, agreement with the reference, limits, feedback."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import math
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import assets
from headunit.community import Community
from headunit.content import BundledContent
from headunit.feedback import NotWhileMoving, TipFeedback
from headunit.restrictions import MAX_MOVING_TEXT_CHARS
from headunit.tips import load_tips, matches
from headunit.tips_engine import CarInfo, TipsEngine, wilson_lower_bound
from sync.community import FeedbackQueue
from sync.store import Store
from tests.community_helpers import CHINA, NOW, WEST_LAKE, make_tip, snapshot
from vehicle.profile import load_profile

AURORA = CarInfo("Aurora", "E5", "BEV")


@pytest.fixture
def community(db_path: Path) -> Community:
    store = Store(db_path)
    yield Community(store, load_profile(assets.DEMO_PROFILE), clock=lambda: NOW)
    store.close()


def bundled_engine(**kwargs) -> TipsEngine:
    tips = load_tips(BundledContent(assets.CONTENT_DIR))
    return TipsEngine(tips, AURORA, clock=lambda: NOW, **kwargs)


# -- ranking on crafted states -------------------------------------------


def test_dtc_tip_ranks_first_when_code_present():
    engine = bundled_engine()
    state = snapshot(
        moving=False, speed=0.0, soc=60.0, temperature=12.0, dtcs=["P0A80"]
    )
    best = engine.best(state)
    assert best is not None
    assert best.id == "tip-dtc-battery-quote"


def test_dtc_tip_absent_without_code():
    engine = bundled_engine()
    state = snapshot(moving=False, speed=0.0, soc=60.0, temperature=12.0, dtcs=[])
    ids = [tip.id for tip in engine.ranked(state)]
    assert "tip-dtc-battery-quote" not in ids
    assert ids


def test_cold_low_battery_ranks_winter_charge_tip():
    engine = bundled_engine()
    state = snapshot(moving=False, speed=0.0, soc=18.0, temperature=-4.0)
    ranked = [tip.id for tip in engine.ranked(state, limit=3)]
    assert ranked[0] == "tip-freezing-low-battery"
    assert "tip-cold-range" in [tip.id for tip in engine.ranked(state)]


def test_cold_low_battery_moving_tip():
    engine = bundled_engine()
    state = snapshot(moving=True, speed=70.0, soc=6.0, temperature=-2.0)
    best = engine.best(state)
    assert best is not None
    assert best.id == "tip-freezing-low-battery" or best.when.get("moving") is not False
    assert "tip-very-low-battery-moving" in [
        t.id for t in engine.ranked(state, limit=4)
    ]


def test_first_week_tips_need_delivery_date():
    engine = bundled_engine()
    state = snapshot(moving=False, speed=0.0, soc=70.0, temperature=15.0)
    ids_without = [tip.id for tip in engine.ranked(state)]
    engine.set_delivery_date(NOW.date() - timedelta(days=3))
    ids_with = [tip.id for tip in engine.ranked(state, limit=3)]

    assert "tip-first-week-charger" not in ids_without
    assert ids_with[0] == "tip-first-week-charger"
    assert "tip-first-weeks" in [tip.id for tip in engine.ranked(state)]


def test_first_week_ends_after_thirty_days():
    engine = bundled_engine(delivery_date=NOW.date() - timedelta(days=45))
    state = snapshot(moving=False, speed=0.0, soc=70.0, temperature=15.0)
    ids = [tip.id for tip in engine.ranked(state)]
    assert "tip-first-weeks" not in ids
    assert "tip-first-week-charger" not in ids


def test_place_tip_only_near_point():
    engine = bundled_engine()
    near = snapshot(
        moving=False, speed=0.0, latitude=WEST_LAKE[0], longitude=WEST_LAKE[1]
    )
    far = snapshot(moving=False, speed=0.0, latitude=31.23, longitude=121.47)
    assert "tip-hangzhou-west-lake-parking" in [t.id for t in engine.ranked(near)]
    assert "tip-hangzhou-west-lake-parking" not in [t.id for t in engine.ranked(far)]


def test_engine_excludes_other_powertrain():
    tips = load_tips(BundledContent(assets.CONTENT_DIR))
    engine = TipsEngine(
        tips, CarInfo("Hyundai", "Genesis Coupe 2.0T", "ICE"), clock=lambda: NOW
    )
    ids = [
        tip.id
        for tip in engine.ranked(snapshot(moving=True, speed=50.0, temperature=-3.0))
    ]
    assert "tip-ice-warmup" in ids
    assert "tip-regen-stop-and-go" not in ids


def test_helpfulness_breaks_ties():
    tips = [
        make_tip("few", {"moving": False}, helpful=3),
        make_tip("many", {"moving": False}, helpful=400),
    ]
    engine = TipsEngine(tips, AURORA, clock=lambda: NOW)
    assert [tip.id for tip in engine.ranked(snapshot(moving=False))] == ["many", "few"]


def test_stale_reports_lower_rank():
    fresh = make_tip("fresh", {"moving": False}, helpful=100)
    stale = make_tip(
        "stale",
        {"moving": False},
        votes={"helpful": 100, "not_helpful": 1, "no_longer_true": 90},
    )
    engine = TipsEngine([stale, fresh], AURORA, clock=lambda: NOW)
    assert [tip.id for tip in engine.ranked(snapshot())] == ["fresh", "stale"]


def test_wilson_bound_prefers_more_votes():
    assert wilson_lower_bound(0, 0) == 0.0
    assert wilson_lower_bound(90, 10) > wilson_lower_bound(9, 1)
    assert 0.0 < wilson_lower_bound(9, 1) < 0.9


# -- agreement with the reference on random tips and states ---------------

THRESHOLD_VALUES = st.sampled_from(
    [-10.0, 0.0, 5.0, 20.0, 20.5, 50.0, 80.0, 100.0, 10000.0]
)
CONDITION_VALUES = {
    "powertrain": st.sampled_from([["BEV"], ["ICE"], ["BEV", "PHEV"]]),
    "models": st.sampled_from([["Aurora E5"], ["Other X"]]),
    "moving": st.booleans(),
    "charging": st.booleans(),
    "soc_below": THRESHOLD_VALUES,
    "soc_above": THRESHOLD_VALUES,
    "outside_temperature_below": THRESHOLD_VALUES,
    "outside_temperature_above": THRESHOLD_VALUES,
    "speed_above": THRESHOLD_VALUES,
    "speed_below": THRESHOLD_VALUES,
    "odometer_above": THRESHOLD_VALUES,
    "odometer_below": THRESHOLD_VALUES,
    "ownership_days_below": st.sampled_from([7, 30, 365]),
    "ownership_days_above": st.sampled_from([0, 30, 365]),
    "dtc_any": st.lists(
        st.sampled_from(["P0A80", "P0AA6", "P0A*", "U01*", "P0562"]),
        min_size=1,
        max_size=3,
    ),
    "near": st.sampled_from(
        [
            {"latitude": 30.25, "longitude": 120.15, "radius_km": 3.0},
            {"latitude": 30.25, "longitude": 120.15, "radius_km": 50.0},
            {"latitude": 31.23, "longitude": 121.47, "radius_km": 10.0},
            {"latitude": 0.0, "longitude": 179.9, "radius_km": 30.0},
        ]
    ),
    "hours": st.sampled_from([[7, 10], [22, 6], [0, 24]]),
    "months": st.lists(st.integers(1, 12), min_size=1, max_size=4),
}
#: A few conditions per tip, so that each one often decides whether it fits.
WHEN = st.lists(
    st.sampled_from(sorted(CONDITION_VALUES)), max_size=3, unique=True
).flatmap(
    lambda keys: st.fixed_dictionaries({key: CONDITION_VALUES[key] for key in keys})
)
STATE_NUMBER = st.one_of(
    st.none(), THRESHOLD_VALUES, st.floats(-50, 20000, allow_nan=False)
)
#: Points inside and just outside the ``near`` circles above, one across
#: the 180th meridian from its circle, and invalid fixes.
POSITIONS = st.one_of(
    st.none(),
    st.sampled_from(
        [
            (30.25, 120.15),
            (30.27, 120.16),
            (30.28, 120.15),
            (30.60, 120.15),
            (30.70, 120.15),
            (31.23, 121.47),
            (0.1, -179.95),
            (0.1, 179.5),
            (float("nan"), 120.15),
            (95.0, 120.15),
        ]
    ),
)


def _split_position(values: dict) -> dict:
    position = values.pop("position")
    values["latitude"], values["longitude"] = position if position else (None, None)
    return values


STATES = st.fixed_dictionaries(
    {
        "moving": st.booleans(),
        "speed": STATE_NUMBER,
        "soc": STATE_NUMBER,
        "temperature": STATE_NUMBER,
        "odometer": STATE_NUMBER,
        "charging": st.one_of(st.none(), st.booleans(), st.just("yes")),
        "dtcs": st.one_of(
            st.none(),
            st.lists(
                st.sampled_from(["P0A80", "P0A7F", "P0AA6", "U0100", "p0562", "B1234"]),
                max_size=3,
            ),
        ),
        "position": POSITIONS,
    }
).map(_split_position)
CLOCKS = st.datetimes(
    min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31)
).map(lambda moment: moment.replace(tzinfo=CHINA))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    whens=st.lists(WHEN, min_size=1, max_size=25),
    states=st.lists(STATES, min_size=1, max_size=6),
    now=CLOCKS,
    delivery=st.one_of(st.none(), st.dates(date(2025, 1, 1), date(2027, 12, 31))),
)
def test_engine_agrees_with_reference(whens, states, now, delivery):
    tips = [make_tip(f"t{index}", when) for index, when in enumerate(whens)]
    engine = TipsEngine(tips, AURORA, delivery_date=delivery, clock=lambda: now)
    context = engine.context(now)
    # Several states in a row exercise the engine's signature cache.
    for values in states:
        state = snapshot(**values)
        shown = engine.ranked(state)
        expected = {tip.id for tip in tips if matches(tip, state, context)}
        assert {tip.id for tip in shown} == expected
        best = engine.best(state)
        if best is not None:
            assert matches(best, state, context)
        card = engine.card(state, "zh_CN")
        if card is not None:
            assert card.tip_id in expected


@settings(max_examples=200, deadline=None)
@given(state=STATES, now=CLOCKS)
def test_bundled_tips_never_shown_when_failing(state, now):
    engine = bundled_engine()
    engine.clock = lambda: now
    snap = snapshot(**state)
    context = engine.context(now)
    for tip in engine.ranked(snap):
        assert matches(tip, snap, context), tip.id


# -- moving-state limits --------------------------------------------------


def test_card_moving_is_short(community):
    state = snapshot(moving=True, speed=60.0, soc=50.0)
    card = community.tip_card(state, "zh_CN")
    assert card is not None
    assert not card.full
    assert len(card.text) <= MAX_MOVING_TEXT_CHARS["zh"]
    assert len(card.title) <= MAX_MOVING_TEXT_CHARS["zh"]
    assert card.can_save_for_later
    assert not card.can_report_no_longer_true


def test_card_moving_english_limit(community):
    card = community.tip_card(snapshot(moving=True, speed=60.0), "en_US")
    assert card is not None
    assert len(card.text) <= MAX_MOVING_TEXT_CHARS["en"]


def test_card_parked_shows_whole_body(community):
    state = snapshot(moving=False, speed=0.0)
    card = community.tip_card(state, "zh_CN")
    tip = community.tips.tip(card.tip_id)
    assert card.full
    assert card.text == tip.text("body", "zh_CN")
    assert card.can_report_no_longer_true
    assert card.author_role in (
        "club_president",
        "experienced_owner",
        "workshop",
        "owner",
        "editor",
    )


# -- feedback -------------------------------------------------------------


def test_not_helpful_vote_hides_tip(community):
    state = snapshot(moving=True, speed=60.0)
    first = community.tips.best(state)
    community.tip_feedback.vote(first.id, helpful=False)
    assert first.id not in [tip.id for tip in community.tips.ranked(state)]
    queued = community.queue.pending()
    assert [item.kind for item in queued] == ["tip_vote"]
    assert queued[0].payload["vote"] == "not_helpful"


def test_helpful_vote_counts_and_rests(community):
    state = snapshot(moving=False)
    tip = community.tips.best(state)
    community.tip_feedback.vote(tip.id, helpful=True)
    community.tip_feedback.vote(tip.id, helpful=True)
    card = community.tips.card_for(tip, False, "zh_CN")
    assert card.helpful == tip.helpful + 1
    assert not card.can_vote
    assert tip.id not in [t.id for t in community.tips.ranked(state)]
    assert len(community.queue.pending()) == 1


def test_rested_tip_returns_after_rest(db_path):
    store = Store(db_path)
    moments = [NOW]
    community = Community(
        store, load_profile(assets.DEMO_PROFILE), clock=lambda: moments[0]
    )
    state = snapshot(moving=False)
    tip = community.tips.best(state)
    community.tip_feedback.dismiss(tip.id)
    hidden = [t.id for t in community.tips.ranked(state)]
    moments[0] = NOW + timedelta(days=8)
    back = [t.id for t in community.tips.ranked(state)]
    store.close()
    assert tip.id not in hidden
    assert tip.id in back


def test_later_waits_for_parking(community):
    moving = snapshot(moving=True, speed=50.0)
    tip = community.tips.best(moving)
    community.tip_feedback.later(tip.id)
    assert tip.id not in [t.id for t in community.tips.ranked(moving)]
    assert [t.id for t in community.tips.saved_for_later()] == [tip.id]
    card = community.tip_card(snapshot(moving=False), "zh_CN")
    assert card.saved_count == 1
    community.tip_feedback.read_later(tip.id)
    assert community.tips.saved_for_later() == []
    assert community.queue.pending() == []


def test_no_longer_true_needs_parking(community):
    tip = community.tips.best(snapshot(moving=False))
    with pytest.raises(NotWhileMoving):
        community.tip_feedback.report_no_longer_true(tip.id, moving=True)
    community.tip_feedback.report_no_longer_true(tip.id, moving=False)
    assert tip.id not in [t.id for t in community.tips.ranked(snapshot(moving=False))]
    assert [item.kind for item in community.queue.pending()] == ["tip_report"]


def test_feedback_survives_restart(db_path):
    store = Store(db_path)
    feedback = TipFeedback(store, FeedbackQueue(store), clock=lambda: NOW.timestamp())
    feedback.vote("tip-cold-range", helpful=False)
    feedback.later("tip-tyre-pressure")
    store.close()

    store = Store(db_path)
    again = TipFeedback(store, FeedbackQueue(store))
    states = again.states()
    store.close()
    assert states["tip-cold-range"].vote == "not_helpful"
    assert states["tip-tyre-pressure"].later


def test_delivery_date_setting_persists(db_path):
    store = Store(db_path)
    community = Community(store, load_profile(assets.DEMO_PROFILE), clock=lambda: NOW)
    community.set_delivery_date(date(2026, 12, 5))
    store.close()

    store = Store(db_path)
    community = Community(store, load_profile(assets.DEMO_PROFILE), clock=lambda: NOW)
    delivery = community.delivery_date()
    ids = [tip.id for tip in community.tips.ranked(snapshot(moving=False, speed=0.0))]
    store.close()
    assert delivery == date(2026, 12, 5)
    assert "tip-first-week-charger" in ids


def test_engine_follows_drive_through_circles():
    # A seeded random walk through many overlapping circles: the engine's
    # cached sets of circles around the car must match the reference at
    # every step, including steps that cross an edge by a few metres.
    rng = random.Random(7)
    tips = [
        make_tip(
            f"c{index}",
            {
                "near": {
                    "latitude": 30.20 + rng.random() * 0.1,
                    "longitude": 120.10 + rng.random() * 0.1,
                    "radius_km": rng.choice([0.2, 0.5, 1.0, 2.0, 5.0]),
                }
            },
        )
        for index in range(120)
    ]
    engine = TipsEngine(tips, AURORA, clock=lambda: NOW)
    context = engine.context(NOW)
    for step in range(4000):
        # Loops of slowly changing size around the circles' area, about 15 m
        # a step, with a jump of a few km now and then.
        angle = step * 0.003
        radius = 0.01 + 0.05 * abs(math.sin(step / 700))
        jump = 0.02 if step % 500 == 0 else 0.0
        latitude = 30.25 + radius * math.sin(angle) + jump
        longitude = 120.15 + radius * math.cos(angle) - jump
        state = snapshot(latitude=latitude, longitude=longitude)
        expected = {tip.id for tip in tips if matches(tip, state, context)}
        assert {tip.id for tip in engine.ranked(state)} == expected, step
