"""Pull the community screen's content into the local cache.

Workshops near the car's coarse grid cell, owners' experience with
trouble codes of the car's model, the clip list with the clip files, and
the owner's points. Items go into ``ContentCache`` as received, because
the reading side checks them (an item without an id or ``updated_at`` is
skipped there with a warning). Clip files are downloaded once, capped in
size, checked against their SHA-256 when the platform gives one, and
written under a temporary name first, so a power cut never leaves half a
file under the real name.
"""

from __future__ import annotations

import hashlib
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sync.client import PlatformClient, RejectedError, SignedOutError
from sync.community import (
    CLIP_FILE_NAME,
    MAX_CLIP_BYTES,
    ContentCache,
    PointsEntry,
    PointsLedger,
)
from sync.store import Store

logger = logging.getLogger(__name__)


@dataclass
class CommunityPull:
    """Counts of the items, clip files and points entries one pull stored."""

    items: int = 0
    clips_downloaded: int = 0
    points_entries: int = 0
    clips_deleted: int = 0


def pull_community(
    client: PlatformClient,
    store: Store,
    *,
    model: str | None,
    cell: tuple[float, float] | None,
    radius_km: float,
    clip_dir: Path,
) -> CommunityPull:
    """Fetch workshops, trouble-code experience, clips and points into ``store``.

    ``cell`` is the centre of the car's coarse grid cell, never its
    position; None skips the workshops. Raises the client's
    ``TransientError`` when the platform cannot be reached, so the sync
    engine retries the pass later.
    """
    cache = ContentCache(store)
    result = CommunityPull()
    if cell is not None:
        _, body = client.request(
            "GET", "/workshops",
            params={"lat": cell[0], "lon": cell[1], "radius_km": radius_km},
            auth=False,
        )
        result.items += cache.upsert("workshops", _items(body, "workshops"))
    if model:
        _, body = client.request(
            "GET", f"/models/{quote(model, safe='')}/dtc-experiences", auth=False
        )
        result.items += cache.upsert("dtc_experiences", _items(body, "dtc_experiences"))
    _, body = client.request("GET", "/clips", auth=False)
    clips = _items(body, "clips")
    result.items += cache.upsert("clips", clips)
    for clip in clips:
        if download_clip(client, clip, clip_dir):
            result.clips_downloaded += 1
    if isinstance(body, dict) and isinstance(body.get("items"), list):
        # Only a complete list shows which clips were withdrawn.
        result.clips_deleted = remove_withdrawn_clips(cache, clips, clip_dir)
    if client.token is not None:
        try:
            _, body = client.request("GET", "/me/points")
        except SignedOutError:
            # Content needs no account; the uploads report the sign-out.
            logger.info("points not pulled: the platform rejected the access token")
            return result
        entries = _points(body)
        PointsLedger(store).add(entries)
        result.points_entries = len(entries)
    return result


def download_clip(client: PlatformClient, clip: Any, clip_dir: Path) -> bool:
    """Download one clip's file unless a good copy is there; return whether it was fetched."""
    if not isinstance(clip, dict) or not isinstance(clip.get("id"), str):
        return False
    name = clip.get("file")
    if not isinstance(name, str) or not CLIP_FILE_NAME.fullmatch(name):
        # Debug only: the reading side logs the malformed item once.
        logger.debug("clip %r not downloaded: file %r is not a plain video file name",
                     clip["id"], name)
        return False

    digest = clip.get("sha256")
    target = clip_dir / name
    if target.is_file() and (digest is None or _sha256(target) == digest):
        return False
    try:
        data = client.download(f"/clips/{quote(clip['id'], safe='')}/file", MAX_CLIP_BYTES)
    except RejectedError as error:
        logger.warning("skipped clip %r: download rejected (%s)", clip["id"], error)
        return False

    if digest is not None and hashlib.sha256(data).hexdigest() != digest:
        logger.warning("skipped clip %r: its file does not match the SHA-256 listed",
                       clip["id"])
        return False

    clip_dir.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    with open(partial, "wb") as file:
        file.write(data)
        file.flush()
        os.fsync(file.fileno())
    os.replace(partial, target)
    logger.info("downloaded clip %s (%d bytes) to %s", clip["id"], len(data), target)
    return True


def remove_withdrawn_clips(cache: ContentCache, clips: list[Any], clip_dir: Path) -> int:
    """Delete cached clips and clip files that the platform's list no longer has.

    Return how many files were deleted. Only files in ``clip_dir``, the
    cache of downloads, are touched; clips bundled with the head unit stay.
    """
    listed_ids = {clip["id"] for clip in clips
                  if isinstance(clip, dict) and isinstance(clip.get("id"), str)}
    listed_files = {clip.get("file") for clip in clips if isinstance(clip, dict)}
    withdrawn = [item for item in cache.items("clips")
                 if isinstance(item, dict) and item.get("id") not in listed_ids]
    cache.delete("clips", [item["id"] for item in withdrawn if isinstance(item.get("id"), str)])
    deleted = 0
    if not clip_dir.is_dir():
        return deleted
    for path in clip_dir.iterdir():
        if not path.is_file() or path.name in listed_files:
            continue
        if not CLIP_FILE_NAME.fullmatch(path.name) and not path.name.endswith(".part"):
            continue
        try:
            path.unlink()
        except OSError as error:
            logger.warning("withdrawn clip file %s not deleted: %s", path, error)
            continue
        logger.info("deleted clip file %s: the platform withdrew it", path)
        deleted += 1
    return deleted


def _items(body: Any, kind: str) -> list[Any]:
    items = body.get("items") if isinstance(body, dict) else None
    if not isinstance(items, list):
        logger.warning("ignored the platform's %s response: no list of items", kind)
        return []
    return items


def _points(body: Any) -> list[PointsEntry]:
    entries = body.get("entries") if isinstance(body, dict) else None
    if not isinstance(entries, list):
        logger.warning("ignored the platform's points response: no list of entries")
        return []
    found = []
    for index, entry in enumerate(entries):
        try:
            found.append(
                PointsEntry(
                    id=str(entry["id"]),
                    reason=str(entry["reason"])[:40],
                    points=int(entry["points"]),
                    subject_id=None if entry.get("subject_id") is None
                    else str(entry["subject_id"])[:80],
                    earned_at=str(entry["earned_at"])[:40],
                )
            )
        except (KeyError, TypeError, ValueError) as error:
            logger.warning("skipped points entry %d: %s", index, error)
    return found


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(64 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()
