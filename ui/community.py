"""The community screen's list: every bundled tip with its author.

Tips are community text, which the driving restrictions allow only while
parked: while the car moves the list is empty and ``locked`` is true.
Each row carries the owner's feedback (vote, "Later", "no longer true"),
stored through the back end's ``TipFeedback``.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import (
    Property,
    QAbstractListModel,
    QByteArray,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Signal,
    Slot,
)
from PySide6.QtQml import QmlElement, QmlUncreatable

from headunit.feedback import NotWhileMoving
from headunit.restrictions import limit_rows, restrictions_for
from ui.stores import DISPLAY_ROLE, USER_ROLE, role_label

logger = logging.getLogger(__name__)

QML_IMPORT_NAME = "HeadUnit"
QML_IMPORT_MAJOR_VERSION = 1

_ModelIndex = QModelIndex | QPersistentModelIndex


@QmlElement
@QmlUncreatable("TipListModel is created by the head unit's Python code.")
class TipListModel(QAbstractListModel):
    """Community tips, most helpful first, in the UI language."""

    TipIdRole = USER_ROLE + 1
    TitleRole = USER_ROLE + 2
    BodyRole = USER_ROLE + 3
    AuthorRole = USER_ROLE + 4
    RoleLabelRole = USER_ROLE + 5
    HelpfulRole = USER_ROLE + 6
    VotedRole = USER_ROLE + 7
    AuthorHelpfulRole = USER_ROLE + 8
    VoteRole = USER_ROLE + 9
    LaterRole = USER_ROLE + 10
    ReportedRole = USER_ROLE + 11

    _ROLE_KEYS = {
        TipIdRole: "tipId",
        TitleRole: "title",
        BodyRole: "body",
        AuthorRole: "author",
        RoleLabelRole: "roleLabel",
        HelpfulRole: "helpful",
        VotedRole: "voted",
        AuthorHelpfulRole: "authorHelpful",
        VoteRole: "vote",
        LaterRole: "later",
        ReportedRole: "reported",
    }

    countChanged = Signal()
    lockedChanged = Signal()

    def __init__(
        self, headunit: Any = None, language: str = "zh_CN", parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._headunit = headunit
        self._language = language
        self._rows: list[dict[str, Any]] = []
        self._locked = False
        self._loaded: tuple[bool, str] | None = None
        #: Tips the driver marked helpful on this head unit, in tap order.
        self.voted_ids: list[str] = []

    def attach(self, headunit: Any) -> None:
        self._headunit = headunit
        self._loaded = None

    def set_language(self, language: str) -> None:
        self._language = language
        self._loaded = None

    def roleNames(self) -> dict[int, QByteArray]:
        return {role: QByteArray(key.encode()) for role, key in self._ROLE_KEYS.items()}

    def rowCount(self, parent: _ModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: _ModelIndex, role: int = DISPLAY_ROLE) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == DISPLAY_ROLE:
            return row["title"]
        key = self._ROLE_KEYS.get(role)
        return row[key] if key else None

    @Property(int, notify=countChanged)
    def count(self) -> int:
        return len(self._rows)

    @Property(bool, notify=lockedChanged)
    def locked(self) -> bool:
        return self._locked

    @Slot(str)
    def voteHelpful(self, tip_id: str) -> None:
        """Mark a tip helpful once; a second tap on the same tip changes nothing."""
        if self._locked or tip_id in self.voted_ids:
            return
        try:
            self._headunit.community.tip_feedback.vote(tip_id, helpful=True)
        except Exception:
            # The count on screen still changes; the vote is only lost locally.
            logger.exception("failed to store the helpful vote for tip %s", tip_id)
        for number, row in enumerate(self._rows):
            if row["tipId"] == tip_id:
                self.voted_ids.append(tip_id)
                row["helpful"] += 1
                row["voted"] = True
                row["vote"] = "helpful"
                index = self.index(number, 0)
                self.dataChanged.emit(
                    index, index, [self.HelpfulRole, self.VotedRole, self.VoteRole]
                )
                return

    @Slot(str, bool)
    def vote(self, tip_id: str, helpful: bool) -> None:
        """Vote a tip helpful or not helpful in one tap; a repeat changes nothing."""
        if helpful:
            self.voteHelpful(tip_id)
            return
        if self._locked:
            return
        try:
            self._headunit.community.tip_feedback.vote(tip_id, helpful=False)
        except Exception:
            logger.exception("failed to store the not-helpful vote for tip %s", tip_id)
            return
        self._update_feedback(tip_id)

    @Slot(str)
    def saveForLater(self, tip_id: str) -> None:
        """Keep the tip on the "Later" list."""
        if self._locked:
            return
        try:
            self._headunit.community.tip_feedback.later(tip_id)
        except Exception:
            logger.exception("failed to keep tip %s for later", tip_id)
            return
        self._update_feedback(tip_id)

    @Slot(str)
    def reportNoLongerTrue(self, tip_id: str) -> None:
        """Report the tip as out of date; the back end allows it only while parked."""
        if self._locked:
            return
        try:
            self._headunit.community.tip_feedback.report_no_longer_true(
                tip_id, moving=self._loaded is not None and self._loaded[0]
            )
        except NotWhileMoving:
            logger.info("tip %s not reported: the car is moving", tip_id)
            return
        except Exception:
            logger.exception("failed to report tip %s as no longer true", tip_id)
            return
        self._update_feedback(tip_id)

    def _update_feedback(self, tip_id: str) -> None:
        """Copy the stored feedback of one tip into its row."""
        state = self._headunit.community.tip_feedback.state(tip_id)
        for number, row in enumerate(self._rows):
            if row["tipId"] != tip_id:
                continue
            row["vote"] = state.vote or ""
            row["later"] = state.later
            row["reported"] = state.no_longer_true
            index = self.index(number, 0)
            self.dataChanged.emit(
                index, index, [self.VoteRole, self.LaterRole, self.ReportedRole]
            )
            return

    def refresh(self, moving: bool) -> bool:
        """Reload the rows when the driving state or language changed."""
        if self._headunit is None or self._loaded == (moving, self._language):
            return False
        self._loaded = (moving, self._language)
        restrictions = restrictions_for(moving, self._language)
        tips = self._headunit.community.tips.fitting()
        if not restrictions.allow_community_list:
            tips = []
        states = self._headunit.community.tip_feedback.states()
        rows = [
            {
                "tipId": tip.id,
                "title": tip.text("title", self._language),
                "body": tip.text("body", self._language),
                "author": tip.author_name,
                "roleLabel": role_label(tip.author_role),
                "helpful": int(tip.helpful) + (tip.id in self.voted_ids),
                "voted": tip.id in self.voted_ids,
                "authorHelpful": int(tip.author_helpful),
                "vote": getattr(states.get(tip.id), "vote", None) or "",
                "later": bool(getattr(states.get(tip.id), "later", False)),
                "reported": bool(getattr(states.get(tip.id), "no_longer_true", False)),
            }
            for tip in limit_rows(tips, restrictions)
        ]
        old_count = len(self._rows)
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()
        if old_count != len(rows):
            self.countChanged.emit()
        locked = not restrictions.allow_community_list
        if locked != self._locked:
            self._locked = locked
            self.lockedChanged.emit()
        return True
