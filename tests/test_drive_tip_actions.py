"""The drive screen's tip card buttons, tapped through the real QML UI.

A demo head unit near West Lake with a trouble code present shows a tip
on the drive screen. Taps go through the scene to the drive store and the
back end's ``TipFeedback``; the driving restrictions decide whether the
buttons show.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from headunit import restrictions
from tests.test_community_screen import click, find, headunit, set_state, shown  # noqa: F401
from ui import gallery, stores


@pytest.fixture
def drive(shown, headunit):  # noqa: F811
    shown.shell.showScreen("drive")
    set_state(shown, headunit, moving=True)
    return shown


def test_later_keeps_tip_for_parked_list(drive, headunit, qtbot):  # noqa: F811
    first = drive.drive_store.tipId
    assert first
    click(drive, "tipLaterButton", qtbot)
    set_state(drive, headunit, moving=True)
    kept = [tip.id for tip in headunit.community.tips.saved_for_later()]

    assert headunit.community.tip_feedback.state(first).later
    assert drive.drive_store.tipId != first
    assert kept == [first]
    set_state(drive, headunit, moving=False)
    model = drive.tip_model
    rows = {model.data(model.index(row, 0), model.TipIdRole): model.data(
        model.index(row, 0), model.LaterRole) for row in range(model.rowCount())}
    assert rows[first] is True


def test_helpful_tap_while_moving(drive, headunit, qtbot):  # noqa: F811
    first = drive.drive_store.tipId
    click(drive, "tipHelpfulButton", qtbot)
    set_state(drive, headunit, moving=True)
    uploads = headunit.store.query("select kind, ref from outbox where kind = 'vote'")

    assert headunit.community.tip_feedback.state(first).vote == "helpful"
    assert [(row["kind"], row["ref"]) for row in uploads] == [("vote", first)]
    assert drive.drive_store.tipId != first


def test_not_helpful_tap_while_moving(drive, headunit, qtbot):  # noqa: F811
    first = drive.drive_store.tipId
    click(drive, "tipNotHelpfulButton", qtbot)
    set_state(drive, headunit, moving=True)

    assert headunit.community.tip_feedback.state(first).vote == "not_helpful"
    assert drive.drive_store.tipId != first


def test_later_hidden_while_parked(drive, headunit):  # noqa: F811
    set_state(drive, headunit, moving=False)

    assert gallery.is_shown(find(drive, "tipHelpfulButton"))
    assert not gallery.is_shown(find(drive, "tipLaterButton"))


def test_actions_follow_restrictions(drive, headunit, monkeypatch):  # noqa: F811
    def forbid(moving, language="zh"):
        allowed = restrictions.restrictions_for(moving, language)
        return replace(allowed, allow_tip_card_actions=False)

    monkeypatch.setattr(stores, "restrictions_for", forbid)
    set_state(drive, headunit, moving=True)
    first = drive.drive_store.tipId
    drive.drive_store.keepTipForLater()
    drive.drive_store.voteTip(True)

    assert not gallery.is_shown(find(drive, "tipActions"))
    assert not headunit.community.tip_feedback.state(first).later
    assert headunit.community.tip_feedback.state(first).vote is None
