"""Community content: plain text, malformed items, bundle and cache, offline."""

from __future__ import annotations

import json
import logging
import re
import socket
from pathlib import Path

import pytest

import assets
from headunit.cli import main
from headunit.community import Community
from headunit.content import (
    BundledContent,
    CachedContent,
    ContentError,
    LayeredContent,
    localized,
    plain_text,
)
from headunit.tips import load_tips
from sync.community import ContentCache, PointsEntry, PointsLedger
from sync.store import Store
from tests.community_helpers import NOW, snapshot
from vehicle.profile import load_profile

KINDS = ("tips", "clubs", "events", "workshops", "dtc_experiences", "model_stats")


# -- plain text -----------------------------------------------------------


def test_plain_text_strips_tags():
    assert plain_text("<b>快充</b>到<i>80%</i>", 100) == "快充到80%"


def test_plain_text_strips_encoded_tags():
    text = plain_text("&lt;a href='x'&gt;click&lt;/a&gt; &amp; go", 100)
    assert text == "click & go"
    assert "<" not in text


def test_plain_text_keeps_less_than_sign():
    assert plain_text("SOC <20% & cold", 100) == "SOC <20% & cold"


def test_plain_text_removes_controls_and_overrides():
    text = plain_text("abc\u202edef\x00\x1b[31m ghi\u200b", 100)
    assert text == "abcdef[31m ghi"


def test_plain_text_collapses_space():
    assert plain_text("  a   b\n\n\n\nc \t d  ", 100) == "a b\n\nc d"


def test_plain_text_caps_length():
    text = plain_text("长" * 500, 40)
    assert len(text) == 40
    assert text.endswith("…")


@pytest.mark.parametrize("value", [None, 42, ["x"], "", "<b></b>", "   "])
def test_plain_text_rejects_non_text(value):
    with pytest.raises(ContentError):
        plain_text(value, 40)


def test_localized_drops_bad_language():
    texts = localized(
        {"zh": "中文", "en": 7, "x-evil": "no", "en_GB": "English"}, 40, "title"
    )
    assert texts == {"zh": "中文", "en": "English"}


def test_localized_rejects_empty():
    with pytest.raises(ContentError):
        localized({"en": "<p></p>"}, 40, "title")


# -- bundled content ------------------------------------------------------


def test_bundled_content_parses_without_warnings(db_path, caplog):
    caplog.set_level(logging.WARNING)
    store = Store(db_path)
    community = Community(store, load_profile(assets.DEMO_PROFILE), clock=lambda: NOW)
    store.close()
    assert [
        r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING
    ] == []
    assert len(community.clubs.clubs) >= 3
    assert len(community.clubs.events) >= 5
    assert len(community.service.workshops) >= 3
    assert len(community.service.experiences) >= 5
    assert community.satisfaction() is not None


def test_bundled_tips_cover_topics():
    tips = load_tips(BundledContent(assets.CONTENT_DIR))
    topics = {topic for tip in tips for topic in tip.topics}
    assert len(tips) >= 40
    for topic in (
        "charging",
        "winter",
        "tyres",
        "software",
        "ownership",
        "service",
        "warning",
    ):
        assert topic in topics


def test_bundled_tips_bilingual():
    tips = load_tips(BundledContent(assets.CONTENT_DIR))
    han = re.compile(r"[\u4e00-\u9fff]")
    for tip in tips:
        for part in ("title", "summary", "body"):
            texts = getattr(tip, part)
            assert set(texts) == {"zh", "en"}, tip.id
            assert han.search(texts["zh"]), (tip.id, part)
            assert not han.search(texts["en"]), (tip.id, part)


def test_bundled_documents_have_ids_and_times():
    for kind in KINDS:
        document = json.loads((assets.CONTENT_DIR / f"{kind}.json").read_text("utf-8"))
        assert document["format"] == 1
        assert document["kind"] == kind
        ids = [item["id"] for item in document["items"]]
        assert len(ids) == len(set(ids)), kind
        assert all("updated_at" in item for item in document["items"]), kind


# -- malformed items ------------------------------------------------------


def _write(folder: Path, kind: str, items: list) -> None:
    document = {
        "format": 1,
        "kind": kind,
        "generated_at": "2026-12-01T00:00:00Z",
        "items": items,
    }
    (folder / f"{kind}.json").write_text(
        json.dumps(document, ensure_ascii=False), "utf-8"
    )


def _good_tip(tip_id: str) -> dict:
    return {
        "id": tip_id,
        "updated_at": "2026-11-01T09:00:00+08:00",
        "published": "2026-11-01",
        "title": {"zh": "标题", "en": "Title"},
        "summary": {"zh": "摘要", "en": "Summary"},
        "body": {"zh": "正文", "en": "Body"},
        "when": {"moving": False},
        "author": {"name": "车主", "role": "owner"},
    }


def test_malformed_tips_skipped_with_one_line_each(tmp_path, caplog):
    bad = [
        "not an object",
        dict(_good_tip("no-title"), title=None),
        dict(_good_tip("bad-condition"), when={"teleport": True}),
        dict(_good_tip("bad-threshold"), when={"soc_below": "low"}),
        dict(_good_tip("bad-date"), published="yesterday"),
        dict(_good_tip("naive-time"), updated_at="2026-11-01T09:00:00"),
        dict(
            _good_tip("bad-near"),
            when={"near": {"latitude": 95, "longitude": 0, "radius_km": 1}},
        ),
        dict(_good_tip("html-only"), body={"en": "<script></script>"}),
        _good_tip("dup"),
        _good_tip("dup"),
    ]
    _write(tmp_path, "tips", [_good_tip("first")] + bad + [_good_tip("last")])
    caplog.set_level(logging.WARNING, logger="headunit.content")
    tips = load_tips(BundledContent(tmp_path))
    warnings = [r for r in caplog.records if r.name == "headunit.content"]
    assert [tip.id for tip in tips] == ["first", "dup", "last"]
    assert len(warnings) == len(bad) - 1
    assert all("skipped tips item" in r.getMessage() for r in warnings)


def test_markup_in_tip_shown_as_plain_text(tmp_path):
    item = _good_tip("markup")
    item["body"] = {
        "en": "<img src=x onerror=alert(1)><b>Check</b> tyres &lt;i&gt;monthly&lt;/i&gt;"
    }
    item["author"] = {"name": "<a href='http://evil'>Wang</a>", "role": "admin"}
    _write(tmp_path, "tips", [item])
    tip = load_tips(BundledContent(tmp_path))[0]
    assert tip.text("body", "en") == "Check tyres monthly"
    assert tip.author_name == "Wang"
    assert tip.author_role == "owner"


def test_long_text_capped(tmp_path):
    item = _good_tip("long")
    item["body"] = {"zh": "很长的提示。" * 400}
    _write(tmp_path, "tips", [item])
    tip = load_tips(BundledContent(tmp_path))[0]
    assert len(tip.text("body", "zh")) <= 600


def test_unreadable_document_gives_no_items(tmp_path, caplog):
    (tmp_path / "tips.json").write_text("{not json", "utf-8")
    _write(tmp_path, "events", [])
    (tmp_path / "clubs.json").write_text(
        json.dumps({"format": 99, "items": []}), "utf-8"
    )
    caplog.set_level(logging.WARNING, logger="headunit.content")
    source = BundledContent(tmp_path)
    assert source.items("tips") == []
    assert source.items("clubs") == []
    assert source.items("workshops") == []
    assert len([r for r in caplog.records if r.name == "headunit.content"]) == 2


# -- cache over bundle, offline ------------------------------------------


def test_cache_item_overrides_older_bundle_item(db_path, tmp_path):
    _write(tmp_path, "tips", [_good_tip("a"), _good_tip("b")])
    store = Store(db_path)
    cache = ContentCache(store)
    newer = dict(_good_tip("a"), updated_at="2026-12-01T09:00:00+08:00")
    newer["title"] = {"en": "Newer title"}
    older = dict(_good_tip("b"), updated_at="2026-01-01T09:00:00+08:00")
    older["title"] = {"en": "Older title"}
    cache.upsert("tips", [newer, older, dict(_good_tip("c"))])
    source = LayeredContent(CachedContent(cache), BundledContent(tmp_path))
    tips = {tip.id: tip for tip in load_tips(source)}
    store.close()
    assert set(tips) == {"a", "b", "c"}
    assert tips["a"].text("title", "en") == "Newer title"
    assert tips["b"].text("title", "en") == "Title"


def test_cache_deletion_hides_bundle_item(db_path, tmp_path):
    _write(tmp_path, "tips", [_good_tip("a"), _good_tip("b")])
    store = Store(db_path)
    cache = ContentCache(store)
    cache.upsert(
        "tips", [{"id": "a", "updated_at": "2026-12-01T00:00:00Z", "deleted": True}]
    )
    tips = load_tips(LayeredContent(CachedContent(cache), BundledContent(tmp_path)))
    store.close()
    assert [tip.id for tip in tips] == ["b"]


def test_cache_skips_items_without_id(db_path, caplog):
    caplog.set_level(logging.WARNING, logger="sync.community")
    store = Store(db_path)
    stored = ContentCache(store).upsert(
        "tips", [{"id": "x"}, "junk", {"id": "y", "updated_at": "2026-12-01T00:00:00Z"}]
    )
    store.close()
    warnings = [r for r in caplog.records if r.name == "sync.community"]
    assert stored == 1
    assert len(warnings) == 2


def test_community_reload_reads_cache(db_path):
    store = Store(db_path)
    community = Community(store, load_profile(assets.DEMO_PROFILE), clock=lambda: NOW)
    before = community.tips.tip_count
    tip = dict(_good_tip("pulled"), when={"moving": False, "soc_below": 101})
    tip["votes"] = {"helpful": 100000}
    community.cache.upsert("tips", [tip])
    community.reload()
    best = community.tips.best(snapshot(moving=False, soc=50.0))
    store.close()
    assert community.tips.tip_count == before + 1
    assert best.id == "pulled"


def test_screens_work_without_network(db_path, monkeypatch):
    def reject_connection(*args, **kwargs):
        raise OSError("network is unreachable in this test")

    monkeypatch.setattr(socket.socket, "connect", reject_connection)
    monkeypatch.setattr(socket, "create_connection", reject_connection)
    store = Store(db_path)
    community = Community(store, load_profile(assets.DEMO_PROFILE), clock=lambda: NOW)
    parked = snapshot(
        moving=False,
        speed=0.0,
        soc=40.0,
        dtcs=["P0A80"],
        latitude=30.25,
        longitude=120.15,
    )
    card = community.tip_card(parked, "zh_CN")
    events = community.events_nearby(parked, "zh_CN")
    service = community.service_view(parked, "zh_CN")
    community.rsvp(events[0].event_id, True, parked)
    community.tip_feedback.vote(card.tip_id, helpful=True)
    pending = community.queue.pending()
    store.close()
    assert card is not None
    assert events
    assert service is not None and service.reports
    assert {item.kind for item in pending} == {"event_rsvp", "tip_vote"}


# -- points ---------------------------------------------------------------


def test_points_ledger_counts_each_entry_once(db_path):
    store = Store(db_path)
    ledger = PointsLedger(store)
    entries = [
        PointsEntry("p1", "shared_trip_log", 10, "trip-1", "2026-12-01T10:00:00+08:00"),
        PointsEntry(
            "p2", "helpful_tip", 5, "tip-cold-range", "2026-12-02T10:00:00+08:00"
        ),
    ]
    ledger.add(entries)
    ledger.add(entries[:1])
    balance = ledger.balance()
    newest = ledger.entries(limit=1)
    store.close()
    assert balance == 15
    assert newest[0].id == "p2"


# -- command line ---------------------------------------------------------


def test_content_check_bundled(capsys):
    status = main(["content", "check"])
    output = capsys.readouterr().out
    assert status == 0
    assert "tips: 48 items, 0 skipped" in output
    assert "events: 8 items, 0 skipped" in output


def test_content_check_reports_skipped(tmp_path, capsys):
    _write(tmp_path, "tips", [_good_tip("ok"), dict(_good_tip("bad"), when={"x": 1})])
    status = main(["content", "check", str(tmp_path)])
    output = capsys.readouterr().out
    assert status == 2
    assert "tips: 1 items, 1 skipped" in output
