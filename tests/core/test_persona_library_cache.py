"""PersonaLibrary reads each card file once and again only when it changes; ``each`` yields them as ``all`` lists."""

from __future__ import annotations

import json
import os
from pathlib import Path

from app.cards.png_chunks import solid_png
from app.personas import DEFAULT_PERSONA_ID, PersonaLibrary


def _card(folder: Path, stem: str, name: str) -> Path:
    path = folder / f"{stem}.json"
    path.write_text(json.dumps({"name": name, "first_mes": "Hi"}), encoding="utf-8")
    return path


def test_each_yields_what_all_lists_in_the_same_order(tmp_path: Path) -> None:
    for stem in ("b", "a-b", "a", "A"):
        _card(tmp_path, stem, f"Tutor {stem}")
    library = PersonaLibrary(tmp_path)
    ids = [p.id for p in library.each()]
    assert ids == [p.id for p in library.all()]
    assert ids[0] == DEFAULT_PERSONA_ID and all(p.builtin for p in library.all()[:8])
    assert ids[-4:] == ["A", "a-b", "a", "b"]  # the user's own by file name, as the folder sorts them


def test_a_card_is_read_again_only_when_it_or_its_picture_changes(tmp_path: Path) -> None:
    path = _card(tmp_path, "sensei", "Sensei")
    library = PersonaLibrary(tmp_path)
    first = library.get("sensei")
    assert library.all()[-1] is first and library.get("sensei") is first  # parsed once
    _card(tmp_path, "sensei", "Sensei Two")  # edited in place
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert library.all()[-1].name == "Sensei Two"
    assert library.get("sensei").avatar is None
    (tmp_path / "sensei.png").write_bytes(solid_png(8, 8, (200, 80, 80)))  # a picture put beside it
    assert library.all()[-1].avatar == tmp_path / "sensei.png"
    assert library.get("sensei").avatar == tmp_path / "sensei.png"


def test_a_missing_user_folder_lists_the_builtins(tmp_path: Path) -> None:
    assert [p.id for p in PersonaLibrary(tmp_path / "none").all()] == [p.id for p in PersonaLibrary().all()]
