"""Check that the installed fonts can draw every translated UI string.

``headunit doctor`` and the tests call ``first_missing_glyph``: a CJK font
missing from an image shows Chinese as empty boxes, which no log reports.
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from pathlib import Path

from PySide6.QtGui import QFont, QFontMetrics

from ui.stores import preferred_font_family

I18N_DIR = Path(__file__).parent / "i18n"


def translated_strings(ts_path: Path) -> list[str]:
    """Return every translation in a Qt Linguist ``.ts`` file, numerus forms included."""
    root = ElementTree.parse(ts_path).getroot()
    strings = []
    for message in root.iter("message"):
        translation = message.find("translation")
        if translation is None:
            continue
        forms = translation.findall("numerusform") or [translation]
        strings.extend(form.text for form in forms if form.text)
    return strings


def first_missing_glyph(
    ts_path: Path, family: str | None = None
) -> tuple[str, str] | None:
    """Return the first character the UI font cannot draw and its string, or None.

    ``family`` defaults to the family the UI picks. Qt's font fallback
    counts, as it does when the text renders. Needs a QGuiApplication.
    """
    font = QFont(family or preferred_font_family())
    metrics = QFontMetrics(font)
    for text in translated_strings(ts_path):
        for character in text:
            if character.isspace() or character == "%":
                continue
            if not metrics.inFontUcs4(ord(character)):
                return character, text
    return None
