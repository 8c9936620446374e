"""The one message every vehicle source produces."""

from __future__ import annotations

from typing import Any, NamedTuple


class SignalUpdate(NamedTuple):
    """A new value for one VSS path, in the catalogue's unit.

    ``timestamp`` is in seconds: the frame's own time for a bus or a
    recording, so replaying a log faster than real time keeps its clock.
    """

    path: str
    value: Any
    timestamp: float
