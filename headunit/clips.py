"""Short video clips owners shared, such as how to open a charging flap.

Clips are community content (kind ``clips``): a title per language, the
author, the length and a file name. The file is looked up in folders the
caller gives, the bundled clips first and then those a sync client
downloaded, so the list works offline. A clip plays only while parked:
the driving restrictions forbid video while moving, and ``playable``
follows them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Iterable

from headunit import content
from headunit.content import ContentError
from headunit.restrictions import restrictions_for, shorten
from sync.community import CLIP_FILE_NAME, MAX_CLIP_BYTES

logger = logging.getLogger(__name__)

MAX_TITLE_CHARS = 60
#: Maximum clip length offered, in seconds: the screen is for short how-to clips.
MAX_CLIP_S = 180.0


@dataclass(frozen=True)
class Clip:
    id: str
    title: dict[str, str]
    author_name: str
    author_role: str
    duration_s: float
    file_name: str
    updated_at: datetime


@dataclass(frozen=True)
class ClipRow:
    """One clip in the list, its title within the driving limits."""

    clip_id: str
    title: str
    author_name: str
    author_role: str
    duration_s: float
    #: The local file, or None while it is not downloaded yet.
    path: Path | None
    #: The clip may start now: parked and the file is here.
    playable: bool


def is_clip_file_name(name: str) -> bool:
    """Return whether ``name`` is an acceptable clip file name (no folders)."""
    return bool(CLIP_FILE_NAME.fullmatch(name))


def parse_clip(item: dict[str, Any]) -> Clip:
    file_name = item.get("file")
    if not isinstance(file_name, str) or not is_clip_file_name(file_name):
        raise ContentError("file: expected a plain name ending in .mp4, .webm or .mkv")
    author = item.get("author")
    if not isinstance(author, dict):
        raise ContentError("author: expected an object")
    return Clip(
        id=content.required_str(item, "id"),
        title=content.localized(item.get("title"), MAX_TITLE_CHARS, "title"),
        author_name=content.plain_text(author.get("name"), MAX_TITLE_CHARS, "author.name"),
        author_role=content.plain_text(author.get("role", "owner"), 30, "author.role"),
        duration_s=content.number(item, "duration_s", 0.5, MAX_CLIP_S),
        file_name=file_name,
        updated_at=content.timestamp(item, "updated_at"),
    )


class ClipLibrary:
    """The clips of a content source, with their files found in local folders."""

    def __init__(self, source: content.ContentSource, folders: Iterable[Path]) -> None:
        self.source = source
        self.folders = [Path(folder) for folder in folders]
        self.reload()

    def reload(self) -> None:
        """Read the clips again, as after a content pull."""
        clips = content.parse_items("clips", self.source.items("clips"), parse_clip)
        self.clips = {clip.id: clip for clip in clips}

    def file_of(self, clip: Clip) -> Path | None:
        """Return the first folder's copy of the clip's file, if any is usable."""
        for folder in self.folders:
            path = folder / clip.file_name
            try:
                size = path.stat().st_size
            except OSError:
                continue
            if 0 < size <= MAX_CLIP_BYTES:
                return path
        return None

    def rows(self, *, moving: bool, language: str) -> list[ClipRow]:
        """Return the clips, newest first, cut to the driving limits."""
        restrictions = restrictions_for(moving, language)
        ordered = sorted(
            self.clips.values(), key=lambda clip: (clip.updated_at, clip.id), reverse=True
        )
        rows = []
        for clip in ordered:
            path = self.file_of(clip)
            rows.append(
                ClipRow(
                    clip_id=clip.id,
                    title=shorten(
                        content.pick_language(clip.title, language),
                        restrictions.max_text_chars,
                    ),
                    author_name=shorten(clip.author_name, restrictions.max_text_chars),
                    author_role=clip.author_role,
                    duration_s=clip.duration_s,
                    path=path,
                    playable=restrictions.allow_video and path is not None,
                )
            )
        limit = restrictions.max_list_items
        return rows if limit is None else rows[:limit]
