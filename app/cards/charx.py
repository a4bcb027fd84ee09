"""CHARX (Character Card V3 archives): a zip with ``card.json`` at the root and assets under ``assets/``.

Archives come from strangers, so reading is defensive: sizes are capped before and while inflating (a zip
bomb stops at the cap, whatever its header claims), nothing is extracted to disk (no zip-slip), and only the
card and its main icon are read.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from typing import Any

from app.cards.formats import MAX_CARD_JSON_BYTES, parse_json_bytes, to_json_bytes
from app.errors import PersonaError

MAX_ARCHIVE_BYTES = 64 * 1024 * 1024
MAX_MEMBERS = 2000
MAX_ICON_BYTES = 16 * 1024 * 1024
MAX_RATIO = 200  # inflated/compressed; text and images are far below this, bombs far above
ICON_PATH = "assets/icon/images/main.png"


def read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    if info.file_size > limit:
        raise PersonaError(f"{info.filename!r} in the archive is larger than {limit // (1024 * 1024)} MB")
    if info.compress_size and info.file_size / info.compress_size > MAX_RATIO and info.file_size > 1024 * 1024:
        raise PersonaError(f"{info.filename!r} in the archive looks like a zip bomb")
    with archive.open(info) as stream:
        data = stream.read(limit + 1)
    if len(data) > limit:
        raise PersonaError(f"{info.filename!r} in the archive inflates past {limit // (1024 * 1024)} MB")
    return data


def _icon_member(card: dict[str, Any], names: set[str]) -> str | None:
    assets = card["data"].get("assets")
    icons = [a for a in assets if isinstance(a, dict) and a.get("type") == "icon"] if isinstance(assets, list) else []
    icons.sort(key=lambda a: a.get("name") != "main")
    for icon in icons:
        uri = str(icon.get("uri", ""))
        for prefix in ("embeded://", "embedded://"):
            if uri.startswith(prefix) and uri[len(prefix) :] in names:
                return uri[len(prefix) :]
    return None


def read_charx(blob: bytes) -> tuple[dict[str, Any], bytes | None]:
    """The normalized card and its main icon (PNG bytes, or ``None``) from a CHARX archive."""
    if len(blob) > MAX_ARCHIVE_BYTES:
        raise PersonaError("the archive is larger than 64 MB")
    start = blob.find(b"PK\x03\x04")  # a JPEG with the zip appended is a valid CHARX too
    if start < 0:
        raise PersonaError("not a CHARX archive (no zip data)")
    try:
        with zipfile.ZipFile(io.BytesIO(blob[start:])) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_MEMBERS:
                raise PersonaError(f"the archive has more than {MAX_MEMBERS} files")
            by_name = {info.filename: info for info in infos}
            if "card.json" not in by_name:
                raise PersonaError("the archive has no card.json")
            card = parse_json_bytes(read_member(archive, by_name["card.json"], MAX_CARD_JSON_BYTES))
            icon_name = _icon_member(card, set(by_name))
            icon = read_member(archive, by_name[icon_name], MAX_ICON_BYTES) if icon_name else None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, ValueError, zlib.error) as exc:
        raise PersonaError(f"the archive is damaged or unsupported ({exc})") from None
    if icon is not None and not icon.startswith(b"\x89PNG\r\n\x1a\n"):
        icon = None  # only PNG avatars are kept; other images stay in the original archive
    return card, icon


def write_charx(card: dict[str, Any], icon_png: bytes | None) -> bytes:
    """A CHARX archive of ``card``, with ``icon_png`` as its main icon when given."""
    out = dict(card)
    if icon_png is not None:
        data = dict(card["data"])
        assets = [a for a in data.get("assets") or [] if not (isinstance(a, dict) and a.get("type") == "icon")]
        data["assets"] = [{"type": "icon", "uri": f"embeded://{ICON_PATH}", "name": "main", "ext": "png"}, *assets]
        out["data"] = data
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("card.json", to_json_bytes(out))
        if icon_png is not None:
            archive.writestr(ICON_PATH, icon_png, compress_type=zipfile.ZIP_STORED)
    return buffer.getvalue()
