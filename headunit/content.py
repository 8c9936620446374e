"""Community content: where it comes from and how untrusted text is cleaned.

Content arrives as JSON documents of one kind each (``tips``, ``events``,
``clubs``, ``workshops``, ``dtc_experiences``, ``model_stats``)::

    {"format": 1, "kind": "tips", "generated_at": "2026-11-30T00:00:00Z",
     "items": [{"id": "...", "updated_at": "2026-11-02T08:00:00+08:00", ...}]}

Every item has a stable ``id``, an ``updated_at`` time with its offset,
and its text per language (``{"zh": "...", "en": "..."}``). The same shape
comes from three places: the bundle shipped in ``assets/content``, the
local cache a sync client fills from the platform, and both layered, where
the newer version of an item wins. See docs/community-content.md.

Everything in an item is untrusted, whichever place it came from: text is
reduced to plain text and capped in length, and an item that does not
check out is skipped with one log line while the others are kept.
"""

from __future__ import annotations

import html
import json
import logging
import re
from datetime import date, datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Protocol, TypeVar

if TYPE_CHECKING:
    # Only for annotations: the UI imports this module before its first
    # frame, and the storage stack must load after it.
    from sync.community import ContentCache

logger = logging.getLogger(__name__)

#: Version of the document format this code reads.
CONTENT_FORMAT = 1

#: Markup that is removed from text: tags such as ``<b>`` or ``</a >`` and
#: comments. A ``<`` not followed by a letter, as in "SOC <20%", stays.
_TAG = re.compile(r"<!--.*?-->|</?[A-Za-z][^<>]*>", re.DOTALL)
#: Control characters except newline and tab, and the Unicode bidirectional
#: overrides and isolates, which can make text read differently than stored.
_INVISIBLE = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200b\ufeff]"
)
_SPACES = re.compile(r"[ \t\u3000]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")

T = TypeVar("T")


class ContentError(ValueError):
    """An item of community content is malformed; the message names the field."""


def plain_text(value: Any, max_chars: int, field: str = "text") -> str:
    """Return ``value`` as plain text of at most ``max_chars`` characters.

    Markup tags are removed, character references decoded, and tags that
    decoding revealed removed again, so nothing reaches the screen that a
    rich-text view would render. Runs of spaces collapse to one and blank
    lines to one paragraph break. Text longer than the cap ends in "…".
    Raises ``ContentError`` for a non-string or for text that is empty
    once cleaned.
    """
    if not isinstance(value, str):
        raise ContentError(f"{field}: expected text, got {type(value).__name__}")
    text = _TAG.sub("", value)
    text = html.unescape(text)
    text = _TAG.sub("", text)
    text = _INVISIBLE.sub("", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _SPACES.sub(" ", text)
    text = _BLANK_LINES.sub("\n\n", text)
    text = "\n".join(line.strip() for line in text.split("\n")).strip()
    if not text:
        raise ContentError(f"{field}: empty")
    if len(text) > max_chars:
        text = text[: max_chars - 1].rstrip() + "…"
    return text


def localized(value: Any, max_chars: int, field: str) -> dict[str, str]:
    """Return a map from two-letter language code to cleaned text.

    A language whose text is invalid is dropped; the field is an error
    only when no language is left.
    """
    if not isinstance(value, dict) or not value:
        raise ContentError(f"{field}: expected text per language")
    texts: dict[str, str] = {}
    for language, text in value.items():
        if not isinstance(language, str) or not re.fullmatch(
            r"[a-z]{2}([-_][A-Za-z]+)?", language
        ):
            continue
        try:
            texts.setdefault(
                language[:2], plain_text(text, max_chars, f"{field}.{language}")
            )
        except ContentError:
            continue
    if not texts:
        raise ContentError(f"{field}: no language has valid text")
    return texts


def pick_language(texts: dict[str, str], language: str) -> str:
    """Return the text in ``language`` (such as "zh_CN"), else English, else any."""
    return texts.get(language[:2]) or texts.get("en") or next(iter(texts.values()))


def required_str(item: dict[str, Any], key: str, max_chars: int = 80) -> str:
    """Return ``item[key]`` as an identifier-like string."""
    value = item.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ContentError(f"{key}: missing")
    if len(value) > max_chars:
        raise ContentError(f"{key}: longer than {max_chars} characters")
    return value.strip()


def number(
    item: dict[str, Any],
    key: str,
    low: float,
    high: float,
    default: float | None = None,
) -> float:
    """Return ``item[key]`` as a number within [low, high]."""
    value = item.get(key, default)
    if value is None:
        raise ContentError(f"{key}: missing")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ContentError(f"{key}: expected a number, got {value!r}")
    if not low <= value <= high:
        raise ContentError(f"{key}: {value} outside {low}..{high}")
    return float(value)


def timestamp(item: dict[str, Any], key: str) -> datetime:
    """Return ``item[key]`` as an aware datetime; the text must carry its offset."""
    value = item.get(key)
    if not isinstance(value, str):
        raise ContentError(f"{key}: missing")
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ContentError(f"{key}: not an ISO 8601 time: {value!r}") from None
    if moment.tzinfo is None:
        raise ContentError(f"{key}: time without offset: {value!r}")
    return moment


def calendar_date(item: dict[str, Any], key: str) -> date:
    value = item.get(key)
    if not isinstance(value, str):
        raise ContentError(f"{key}: missing")
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        raise ContentError(f"{key}: not an ISO 8601 date: {value!r}") from None


def parse_items(
    kind: str, items: Iterable[Any], parse: Callable[[dict[str, Any]], T]
) -> list[T]:
    """Parse every item, skipping a malformed one with one warning.

    The first item of an id wins and later duplicates are skipped.
    """
    parsed: list[T] = []
    seen: set[str] = set()
    for index, item in enumerate(items):
        item_id = item.get("id") if isinstance(item, dict) else None
        try:
            if not isinstance(item, dict):
                raise ContentError("not an object")
            if item_id in seen:
                raise ContentError("duplicate id")
            parsed.append(parse(item))
        except (ContentError, KeyError, TypeError, ValueError) as error:
            logger.warning(
                "skipped %s item %d (id %r): %s", kind, index, item_id, error
            )
            continue
        seen.add(item_id)
    return parsed


class ContentSource(Protocol):
    """Where community items of a kind are read from."""

    def items(self, kind: str) -> list[Any]:
        """Return the raw items of ``kind``; an unreadable source returns none."""
        ...


class BundledContent:
    """Documents shipped with the head unit, one ``KIND.json`` file per kind."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def items(self, kind: str) -> list[Any]:
        path = self.folder / f"{kind}.json"
        if not path.is_file():
            return []
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            logger.warning("bundled %s not read from %s: %s", kind, path, error)
            return []
        return _document_items(document, kind, str(path))


class CachedContent:
    """Items a sync client stored in the local ``ContentCache``."""

    def __init__(self, cache: ContentCache) -> None:
        self.cache = cache

    def items(self, kind: str) -> list[Any]:
        return self.cache.items(kind)


class LayeredContent:
    """Several sources merged by item id, the newest ``updated_at`` winning.

    On equal times the earlier source wins, so list the cache before the
    bundle. An item with ``"deleted": true`` hides older versions of its id.
    """

    def __init__(self, *sources: ContentSource) -> None:
        self.sources = sources

    def items(self, kind: str) -> list[Any]:
        newest: dict[str, tuple[datetime, Any]] = {}
        order: list[str] = []
        loose: list[Any] = []
        for source in self.sources:
            for item in source.items(kind):
                item_id = item.get("id") if isinstance(item, dict) else None
                if not isinstance(item_id, str):
                    # Kept so the parser logs it as malformed.
                    loose.append(item)
                    continue
                try:
                    updated = timestamp(item, "updated_at")
                except ContentError:
                    updated = datetime.min.replace(tzinfo=timezone.utc)
                if item_id not in newest:
                    order.append(item_id)
                    newest[item_id] = (updated, item)
                elif updated > newest[item_id][0]:
                    newest[item_id] = (updated, item)
        merged = [newest[item_id][1] for item_id in order]
        return [item for item in merged if not item.get("deleted")] + loose


def _document_items(document: Any, kind: str, origin: str) -> list[Any]:
    if not isinstance(document, dict):
        logger.warning("%s document in %s is not an object", kind, origin)
        return []
    if document.get("format") != CONTENT_FORMAT:
        logger.warning(
            "%s document in %s has format %r, expected %d",
            kind,
            origin,
            document.get("format"),
            CONTENT_FORMAT,
        )
        return []
    items = document.get("items")
    if not isinstance(items, list):
        logger.warning("%s document in %s has no item list", kind, origin)
        return []
    return items
