"""Check that installed fonts cover every character of the UI's translations.

Reads the Qt Linguist files under ``ui/i18n`` (``.ts`` XML and compiled
``.qm``) without Qt, and queries fontconfig (``fc-list``) which characters the
installed fonts contain. Qt falls back from one font to the next for a
missing glyph, so a character counts as covered when any installed font
has it.
"""

from __future__ import annotations

import importlib.util
import re
import struct
import subprocess
import unicodedata
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

#: First 16 bytes of every .qm file.
QM_MAGIC = bytes.fromhex("3CB86418CAEF9C95CD211CBF60A1BDDD")
_QM_SECTION_MESSAGES = 0x69
_QM_SECTION_LANGUAGE = 0xA7
# Record tags inside the messages section of a .qm file.
_QM_END = 1
_QM_TRANSLATION = 3
_QM_OBSOLETE1 = 5
_QM_WITH_LENGTH = (2, 4, 6, 7, 8)


class TranslationFileError(ValueError):
    """A .ts or .qm file cannot be read."""


@dataclass(frozen=True)
class UiText:
    """One translated string and where it came from."""

    text: str
    language: str
    source: Path


def installed_i18n_dirs() -> tuple[Path, ...]:
    """Return ``ui/i18n`` of the installed ``ui`` package, found without importing it."""
    spec = importlib.util.find_spec("ui")
    if spec is None or not spec.submodule_search_locations:
        return ()
    return tuple(Path(location) / "i18n" for location in spec.submodule_search_locations)


def load_translations(directories: Iterable[Path]) -> list[UiText]:
    """Read every translation of every .ts and .qm file in ``directories``."""
    texts: list[UiText] = []
    for directory in directories:
        if not directory.is_dir():
            continue
        for path in sorted(directory.iterdir()):
            if path.suffix == ".ts":
                texts.extend(read_ts(path))
            elif path.suffix == ".qm":
                texts.extend(read_qm(path))
    return texts


def read_ts(path: Path) -> list[UiText]:
    """Return the translations (numerus forms included) of a .ts file."""
    try:
        root = ElementTree.parse(path).getroot()
    except (ElementTree.ParseError, OSError) as error:
        raise TranslationFileError(f"{path}: cannot read translation: {error}") from error
    language = root.get("language") or _language_from_name(path)
    texts = []
    for translation in root.iter("translation"):
        if translation.get("type") in ("obsolete", "vanished"):
            continue
        forms = translation.findall("numerusform")
        for text in [form.text for form in forms] if forms else [translation.text]:
            if text:
                texts.append(UiText(text, language, path))
    return texts


def read_qm(path: Path) -> list[UiText]:
    """Return the translations of a compiled .qm file."""
    data = path.read_bytes()
    if not data.startswith(QM_MAGIC):
        raise TranslationFileError(f"{path}: not a .qm file (wrong magic number)")
    language = _language_from_name(path)
    messages = b""
    offset = len(QM_MAGIC)
    while offset + 5 <= len(data):
        tag, length = struct.unpack_from(">BI", data, offset)
        body = data[offset + 5 : offset + 5 + length]
        if tag == _QM_SECTION_MESSAGES:
            messages = body
        elif tag == _QM_SECTION_LANGUAGE and body:
            language = body.decode("utf-8", "replace")
        offset += 5 + length
    return [UiText(text, language, path) for text in _qm_translations(path, messages)]


def _qm_translations(path: Path, messages: bytes) -> list[str]:
    texts = []
    offset = 0
    while offset < len(messages):
        tag = messages[offset]
        offset += 1
        if tag == _QM_END:
            continue
        if tag == _QM_OBSOLETE1:
            offset += 4
            continue
        if tag != _QM_TRANSLATION and tag not in _QM_WITH_LENGTH:
            raise TranslationFileError(f"{path}: unknown record tag {tag:#x} at {offset - 1}")
        (length,) = struct.unpack_from(">I", messages, offset)
        offset += 4
        if length == 0xFFFFFFFF:  # a null string
            continue
        if tag == _QM_TRANSLATION:
            texts.append(messages[offset : offset + length].decode("utf-16-be", "replace"))
        offset += length
    return texts


def _language_from_name(path: Path) -> str:
    # Qt's convention: NAME_LANGUAGE.ts, as in headunit_zh_CN.ts.
    match = re.search(r"_([a-z]{2}(?:_[A-Z]{2})?)$", path.stem)
    return match.group(1) if match else "unknown"


def installed_coverage() -> set[int]:
    """Return every code point that some installed font contains, from ``fc-list``."""
    output = subprocess.run(
        ["fc-list", "--format", "%{charset}\n"],
        check=True, capture_output=True, text=True, timeout=60,
    ).stdout
    covered: set[int] = set()
    for line in output.splitlines():
        covered.update(parse_charset(line))
    return covered


def parse_charset(text: str) -> Iterable[int]:
    """Expand fontconfig's charset notation, hex code points and ranges like ``20-7e``."""
    for item in text.split():
        first, _, last = item.partition("-")
        yield from range(int(first, 16), int(last or first, 16) + 1)


def first_missing(texts: Sequence[UiText], covered: set[int]) -> str | None:
    """Describe the first character no installed font covers, or return ``None``."""
    for text in texts:
        for character in text.text:
            if _needs_glyph(character) and ord(character) not in covered:
                name = unicodedata.name(character, "unnamed character")
                return (
                    f"no installed font has {character!r} (U+{ord(character):04X} {name}) "
                    f"in {text.text!r} ({text.language}, {text.source.name}); "
                    "install a font that covers it, such as fonts-wqy-microhei"
                )
    return None


def _needs_glyph(character: str) -> bool:
    # Spaces, line breaks and format characters draw no glyph of their own.
    return not character.isspace() and unicodedata.category(character) not in ("Cc", "Cf")
