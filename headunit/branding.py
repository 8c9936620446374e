"""The OEM's brand: its name, colours and logo, from a ``[branding]`` table.

The table sits in the application configuration (TOML), beside the other
tables that ``headunit.config`` reads::

    [branding]
    name = "Aurora Drive"
    primary_colour = "#1E88E5"  # the stripe under the status bar
    accent_colour = "#C8102E"   # selected tabs and buttons
    logo = "aurora-logo.svg"    # PNG or SVG, relative to the file

``load_branding`` reads only that table and imports nothing heavy, so
``headunit run`` can show the brand in its first frame before it loads
the rest of the configuration.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

KEYS = ("name", "primary_colour", "accent_colour", "logo")
LOGO_SUFFIXES = (".png", ".svg")

_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class BrandingError(ValueError):
    """The ``[branding]`` table is invalid; the message names the file and key."""

    def __init__(self, source: Path, key: str | None, reason: str) -> None:
        self.source = source
        self.key = key
        self.reason = reason
        where = f"{source}: {key}" if key else str(source)
        super().__init__(f"{where}: {reason}")


@dataclass(frozen=True)
class Branding:
    """The OEM's brand as the UI shows it; unset fields keep the product's own look."""

    name: str = ""
    #: ``#rrggbb`` of the stripe under the status bar.
    primary_colour: str | None = None
    #: ``#rrggbb`` of selected tabs and buttons, in both themes.
    accent_colour: str | None = None
    logo: Path | None = None

    @property
    def is_default(self) -> bool:
        return self == Branding()


def load_branding(path: Path) -> Branding:
    """Read the ``[branding]`` table of the configuration file at ``path``.

    A file without the table gives the default ``Branding()``. Raises
    ``BrandingError`` naming the file and key for an unknown key, a colour
    that is not ``#rrggbb``, or a logo that is missing or not a PNG or SVG
    image, and naming the file for one that is unreadable or not TOML.
    """
    import tomllib

    try:
        with Path(path).open("rb") as handle:
            document = tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise BrandingError(path, None, f"invalid TOML: {error}") from error
    except OSError as error:
        raise BrandingError(
            path, None, f"cannot read configuration file ({error.strerror})"
        ) from error
    return branding_from_table(document.get("branding", {}), Path(path))


def branding_from_table(table: Any, source: Path) -> Branding:
    """Check an already parsed ``[branding]`` table read from ``source``.

    Relative logo paths are resolved against the folder of ``source``.
    """
    if not isinstance(table, dict):
        raise BrandingError(source, "branding", f"invalid value {table!r}; expected a table")
    for key in table:
        if key not in KEYS:
            raise BrandingError(
                source, f"branding.{key}",
                f"unknown key {table[key]!r}; expected one of the keys {', '.join(KEYS)}",
            )
    name = table.get("name", "")
    if not isinstance(name, str):
        raise BrandingError(source, "branding.name", f"invalid value {name!r}; expected a string")
    colours = {key: _colour(table, key, source) for key in ("primary_colour", "accent_colour")}
    logo = table.get("logo")
    logo_path = None
    if logo is not None:
        if not isinstance(logo, str):
            raise BrandingError(
                source, "branding.logo", f"invalid value {logo!r}; expected a file name"
            )
        logo_path = source.resolve().parent / Path(logo).expanduser()
        _check_logo(logo_path, logo, source)
    return Branding(name=name, logo=logo_path, **colours)


def _colour(table: dict[str, Any], key: str, source: Path) -> str | None:
    value = table.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not _COLOUR.match(value):
        raise BrandingError(
            source, f"branding.{key}", f'invalid value {value!r}; expected a colour as "#RRGGBB"'
        )
    return value.lower()


def _check_logo(path: Path, text: str, source: Path) -> None:
    """Raise ``BrandingError`` unless ``path`` is a readable PNG or SVG file."""
    if not path.is_file():
        raise BrandingError(
            source, "branding.logo",
            f"file not found {text!r} ({path}); expected an existing PNG or SVG file",
        )
    suffix = path.suffix.lower()
    if suffix not in LOGO_SUFFIXES:
        raise BrandingError(
            source, "branding.logo", f"invalid value {text!r}; expected a .png or .svg file"
        )
    try:
        head = path.read_bytes()
    except OSError as error:
        raise BrandingError(
            source, "branding.logo", f"cannot read {path} ({error.strerror})"
        ) from error
    if suffix == ".png" and not head.startswith(_PNG_SIGNATURE):
        raise BrandingError(
            source, "branding.logo", f"{path} is not a PNG image (no PNG signature)"
        )
    if suffix == ".svg" and not _is_svg(head):
        raise BrandingError(
            source, "branding.logo", f"{path} is not an SVG image (no <svg> root element)"
        )


def _is_svg(document: bytes) -> bool:
    import xml.etree.ElementTree as ElementTree

    try:
        root = ElementTree.fromstring(document)
    except ElementTree.ParseError:
        return False
    return root.tag in ("svg", "{http://www.w3.org/2000/svg}svg")


def contrast_problems(branding: Branding) -> list[str]:
    """Return why the brand's accent cannot be used in a theme, one line each.

    The rule is ``headunit.theme.brand_accent_problem``: 3:1 against the
    theme's background (WCAG 2, non-text contrast) and readable black or
    white text on it. A theme where it fails keeps its own accent.
    """
    from headunit import theme

    if branding.accent_colour is None:
        return []
    problems = []
    for theme_name, palette in (("day", theme.DAY), ("night", theme.NIGHT)):
        reason = theme.brand_accent_problem(palette, branding.accent_colour)
        if reason:
            problems.append(
                f"branding.accent_colour {branding.accent_colour}: {reason} in the "
                f"{theme_name} theme, which keeps its own accent {palette.accent}"
            )
    return problems
