"""The one module of ``headunit`` that starts the Qt UI."""

from __future__ import annotations

from pathlib import Path

from headunit.app import HeadUnit


def run(
    headunit: HeadUnit,
    *,
    screenshot: Path | None,
    screen: str,
    size: tuple[int, int],
    settle_s: float,
) -> int:
    """Start the head unit, show its UI until it closes, then stop it."""
    from ui import app

    headunit.start()
    try:
        return app.run(
            headunit, screenshot=screenshot, screen=screen, size=size, settle_s=settle_s
        )
    finally:
        headunit.stop()
