"""The one module of ``headunit`` that starts the Qt UI."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:
    from headunit.branding import Branding


def run(
    build: Callable[[], Any],
    *,
    screenshot: Path | None,
    screen: str,
    size: tuple[int, int],
    settle_s: float,
    language: str | None,
    diagonal_in: float | None = None,
    quit_after_first_frame: bool = False,
    branding: Branding | None = None,
) -> int:
    """Show the UI, then build and start the head unit; stop it when the UI closes.

    ``build`` returns a ``HeadUnit``. It runs after the first frame, so the
    window appears before the vehicle and storage stacks are imported.
    With ``language`` None the UI starts in Chinese and then takes the
    language the driver saved; a given ``language`` wins over the saved one.
    ``branding`` is the OEM's brand, in the first frame already; None for
    the product's own look.
    """
    from ui import app

    started: list[Any] = []

    def start() -> Any:
        headunit = build()
        headunit.start()
        started.append(headunit)
        return headunit

    try:
        return app.run(
            start=start,
            screenshot=screenshot,
            screen=screen,
            size=size,
            diagonal_in=diagonal_in,
            settle_s=settle_s,
            language=language or "zh_CN",
            quit_after_first_frame=quit_after_first_frame,
            saved_language_wins=language is None,
            branding=branding,
        )
    finally:
        for headunit in started:
            headunit.stop()


def gallery(
    out_dir: Path,
    sizes: list[tuple[int, int]] | None = None,
    branding: Branding | None = None,
) -> int:
    """Render every screen in every state, theme and size into ``out_dir``.

    Each screen is rendered in the product's own look and with ``branding``
    (default: the sample brand).
    """
    from ui import gallery as ui_gallery

    return ui_gallery.main(out_dir, sizes, branding)
