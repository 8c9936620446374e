"""The OEM's brand: its name, colours and logo, from a ``[branding]`` table.

The table sits in the OEM's configuration file (TOML); ``load_branding``
reads only that table, so a larger configuration loader can call it::

    [branding]
    name = "Aurora Motors"
    accent = "#c8102e"          # colour of selected tabs and badges
    logo = "aurora-logo.svg"    # relative to the configuration file
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_KEYS = {"name", "accent", "logo"}


class BrandingError(ValueError):
    """The ``[branding]`` table is invalid; the message names the file and key."""


@dataclass(frozen=True)
class Branding:
    """The OEM's brand as the UI shows it; every field may be left unset."""

    name: str = ""
    accent: str | None = None
    logo: Path | None = None


def load_branding(path: Path) -> Branding:
    """Read the ``[branding]`` table of the TOML file at ``path``.

    A file without the table gives the default ``Branding()``. Raises
    ``BrandingError`` naming the file and key for an unknown key, a colour
    that is not ``#rrggbb``, or a logo file that does not exist, and for a
    file that is not valid TOML.
    """
    import tomllib

    try:
        document = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise BrandingError(f"{path}: invalid TOML: {error}") from error
    except OSError as error:
        raise BrandingError(f"{path}: cannot read: {error.strerror}") from error
    return branding_from_table(document.get("branding", {}), Path(path))


def branding_from_table(table: Any, source: Path) -> Branding:
    """Check an already parsed ``[branding]`` table read from ``source``."""
    if not isinstance(table, dict):
        raise BrandingError(f"{source}: [branding] must be a table")
    unknown = sorted(set(table) - _KEYS)
    if unknown:
        raise BrandingError(
            f"{source}: branding.{unknown[0]}: unknown key; expected one of "
            + ", ".join(sorted(_KEYS))
        )
    name = table.get("name", "")
    if not isinstance(name, str):
        raise BrandingError(f"{source}: branding.name: expected a string")
    accent = table.get("accent")
    if accent is not None and (not isinstance(accent, str) or not _COLOUR.match(accent)):
        raise BrandingError(
            f"{source}: branding.accent: expected a colour like \"#c8102e\", "
            f"got {accent!r}"
        )
    logo = table.get("logo")
    logo_path = None
    if logo is not None:
        if not isinstance(logo, str):
            raise BrandingError(f"{source}: branding.logo: expected a file name")
        logo_path = (source.parent / logo).resolve()
        if not logo_path.is_file():
            raise BrandingError(f"{source}: branding.logo: file {logo_path} not found")
    return Branding(name=name, accent=accent.lower() if accent else None, logo=logo_path)
