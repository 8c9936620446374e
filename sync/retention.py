"""Bounded storage: the database stays within a configured budget.

When the pages in use pass the budget, raw samples of trips that are
already synced to the platform are thinned to one every
``THINNED_INTERVAL_S`` seconds, oldest trip first; if that is not enough,
they are evicted altogether, oldest first. Trip summaries, events, gaps,
charging sessions and every row of a trip not yet synced are never
evicted: when only such data is left, the report carries a warning for
the screen instead.

SQLite does not shrink the file after a delete; the freed pages are
reused by later writes, so the file stops growing. The budget is measured
on pages in use, not on the file size.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from sync.store import Store

logger = logging.getLogger(__name__)

#: Spacing of the samples kept when a synced trip is thinned, in seconds.
THINNED_INTERVAL_S = 10
#: Share of the budget in use above which the screen is warned even though
#: nothing is over the budget yet.
WARN_SHARE = 0.9


@dataclass
class BudgetReport:
    """What one budget check found and did; ``warning`` is None when all is well."""

    budget_bytes: int
    used_bytes: int
    thinned_trips: list[str] = field(default_factory=list)
    evicted_trips: list[str] = field(default_factory=list)
    warning: str | None = None


def used_bytes(store: Store) -> int:
    """Bytes of the database pages in use (file pages minus free pages)."""
    # Through Store.query, which takes the store's lock: the recorder may
    # write on the same connection from another thread.
    page_size = store.query("PRAGMA page_size")[0]["page_size"]
    page_count = store.query("PRAGMA page_count")[0]["page_count"]
    free = store.query("PRAGMA freelist_count")[0]["freelist_count"]
    return page_size * (page_count - free)


def enforce_budget(store: Store, budget_bytes: int) -> BudgetReport:
    """Thin, then evict, samples of synced trips until the database fits the budget."""
    report = BudgetReport(budget_bytes, used_bytes(store))
    if report.used_bytes <= budget_bytes:
        return _with_warning(store, report)

    for trip_id, started_at in _synced_trips(store, ("full",)):
        _thin(store, trip_id, started_at)
        report.thinned_trips.append(trip_id)
        report.used_bytes = used_bytes(store)
        if report.used_bytes <= budget_bytes:
            break
    if report.used_bytes > budget_bytes:
        for trip_id, _ in _synced_trips(store, ("full", "thinned")):
            _evict(store, trip_id)
            report.evicted_trips.append(trip_id)
            report.used_bytes = used_bytes(store)
            if report.used_bytes <= budget_bytes:
                break
    if report.thinned_trips or report.evicted_trips:
        logger.info(
            "storage budget %d bytes: thinned %d and evicted the samples of %d synced "
            "trips; %d bytes in use",
            budget_bytes, len(report.thinned_trips), len(report.evicted_trips),
            report.used_bytes,
        )
    return _with_warning(store, report)


def _with_warning(store: Store, report: BudgetReport) -> BudgetReport:
    if report.used_bytes <= report.budget_bytes * WARN_SHARE:
        return report
    evictable = _synced_trips(store, ("full", "thinned"))
    if evictable and report.used_bytes <= report.budget_bytes:
        return report
    unsynced = store.query(
        "select count(*) as n from trips where synced_at is null"
    )[0]["n"]
    used_mb = report.used_bytes / 1_000_000
    budget_mb = report.budget_bytes / 1_000_000
    report.warning = (
        f"trip storage {used_mb:.1f} of {budget_mb:.1f} MB used; {unsynced} trips "
        "are not synced yet and are kept, so sync them to free space"
    )
    logger.warning("%s", report.warning)
    return report


def _synced_trips(store: Store, states: tuple[str, ...]) -> list[tuple[str, float]]:
    marks = ",".join("?" * len(states))
    rows = store.query(
        "select id, started_at from trips where synced_at is not null "
        f"and status = 'closed' and coalesce(samples_state, 'full') in ({marks}) "
        "order by started_at",
        list(states),
    )
    return [(row["id"], row["started_at"]) for row in rows]


def _thin(store: Store, trip_id: str, started_at: float) -> None:
    with store.write() as db:
        bounds = db.execute(
            "select min(t), max(t) from samples where trip_id = ?", [trip_id]
        ).fetchone()
        db.execute(
            "delete from samples where trip_id = ? and t != ? and t != ? "
            "and cast(round(t - ?) as integer) % ? != 0",
            [trip_id, bounds[0], bounds[1], started_at, THINNED_INTERVAL_S],
        )
        db.execute(
            "update trips set samples_state = 'thinned' where id = ?", [trip_id]
        )


def _evict(store: Store, trip_id: str) -> None:
    with store.write() as db:
        db.execute("delete from samples where trip_id = ?", [trip_id])
        db.execute(
            "update trips set samples_state = 'evicted' where id = ?", [trip_id]
        )
