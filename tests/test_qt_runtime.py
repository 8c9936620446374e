"""Checks of the installed Qt for Python that the UI depends on."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    changed = Signal()


def test_signal_emit_keeps_bool_references(qapp) -> None:
    # PySide6 6.12.0 returns True from emit() without taking a reference:
    # every emission costs True one reference until the interpreter aborts.
    emitter = _Emitter()
    before = sys.getrefcount(True)

    for _ in range(1000):
        emitter.changed.emit()

    assert sys.getrefcount(True) - before > -10
