"""`persona-tutor personas …` on real cards made by others (tests/data/cards) and on broken files."""

import base64
import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from app.cards import png_chunks
from app.cli import main

CARDS = Path(__file__).resolve().parents[1] / "data" / "cards"
TAVERN_CARDS = {
    "stc_default_CodingSensei.png": ("Coding Sensei", '"Hello world!"'),
    "stc_contest_Assistant_Gloria.png": ("Gloria, PA", "Gloria sits at her desk"),
    "stc_contest_Assistant_Sakana.png": ("Sakana", "*Your assistant {{char}} walks on over"),
    "stc_contest_Assistant_Amy.png": ("Amy", "*As {{user}} logs in, Amy appears"),
}


def run_cli(args: list[str], home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PERSONA_TUTOR_HOME": str(home)}
    return subprocess.run([sys.executable, "-m", "app", *args], capture_output=True, text=True, env=env, timeout=120)


def cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def show(persona_id: str, capsys: pytest.CaptureFixture[str]) -> dict:
    code, out, err = cli(["personas", "show", persona_id, "--json"], capsys)
    assert code == 0, err
    return json.loads(out)


def test_import_prints_new_ids_and_cards_are_listed(isolated_home: Path) -> None:
    files = [str(CARDS / name) for name in TAVERN_CARDS]
    result = run_cli(["personas", "import", *files], isolated_home)
    assert result.returncode == 0, result.stderr
    ids = result.stdout.split()
    assert len(ids) == 4
    listing = json.loads(run_cli(["personas", "list", "--json"], isolated_home).stdout)
    by_id = {p["id"]: p for p in listing}
    assert {by_id[i]["name"] for i in ids} == {name for name, _ in TAVERN_CARDS.values()}
    assert all(not by_id[i]["builtin"] and {"id", "name", "language", "builtin"} <= set(by_id[i]) for i in ids)
    # the avatar is kept next to the card
    assert all((isolated_home / "personas" / f"{i}.png").is_file() for i in ids)


@pytest.mark.parametrize("name", list(TAVERN_CARDS))
def test_tavern_card_imports_shows_and_round_trips(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = cli(["personas", "import", str(CARDS / name)], capsys)
    assert code == 0, err
    persona_id = out.strip()
    card = show(persona_id, capsys)
    expected_name, greeting_part = TAVERN_CARDS[name]
    assert card["spec"] == "chara_card_v3"
    assert card["data"]["name"] == expected_name
    assert card["data"]["first_mes"].startswith(greeting_part)
    for suffix in (".png", ".json", ".charx"):
        out_path = tmp_path / f"export{suffix}"
        code, _, err = cli(["personas", "export", persona_id, str(out_path)], capsys)
        assert code == 0, err
        code, out, err = cli(["personas", "import", str(out_path)], capsys)
        assert code == 0, err
        again = show(out.strip(), capsys)
        if suffix == ".charx":  # the archive names its icon among the assets
            again["data"].pop("assets")
            assert again["data"] == {k: v for k, v in card["data"].items() if k != "assets"}
        else:
            assert again == card


def test_backyard_archive_imports_as_a_card(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(["personas", "import", str(CARDS / "backyard_test_1.byaf")], capsys)
    assert code == 0, err
    card = show(out.strip(), capsys)
    data = card["data"]
    assert (data["name"], data["first_mes"]) == ("Test Bot", "Hello, I am a test bot!")
    assert (data["description"], data["scenario"], data["system_prompt"]) == (
        "A test character",
        "A test scenario",
        "You are a test bot",
    )
    assert [(e["keys"], e["content"]) for e in data["character_book"]["entries"]] == [(["test"], "value")]
    out_path = tmp_path / "bot.png"
    assert cli(["personas", "export", out.strip(), str(out_path)], capsys)[0] == 0
    _, again, _ = cli(["personas", "import", str(out_path)], capsys)
    assert show(again.strip(), capsys) == card


def test_sakana_lorebook_survives(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = cli(["personas", "import", str(CARDS / "stc_contest_Assistant_Sakana.png")], capsys)
    book = show(out.strip(), capsys)["data"]["character_book"]
    assert len(book["entries"]) == 14


def test_exported_png_has_both_chunks_readable_by_v2_and_v3_readers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_path = tmp_path / "xiaomiao.png"
    assert cli(["personas", "export", "xiaomiao", str(out_path)], capsys)[0] == 0
    texts = dict(png_chunks.text_chunks(png_chunks.read_chunks(out_path.read_bytes())))
    v2 = json.loads(base64.b64decode(texts["chara"]))
    v3 = json.loads(base64.b64decode(texts["ccv3"]))
    assert (v2["spec"], v2["spec_version"]) == ("chara_card_v2", "2.0")
    assert (v3["spec"], v3["spec_version"]) == ("chara_card_v3", "3.0")
    assert v2["data"]["name"] == v3["data"]["name"] == "小喵"
    assert v3["data"]["extensions"]["persona_tutor"]["language"] == "zh"
    assert v3["data"]["group_only_greetings"] == []


def test_name_clash_gets_a_fresh_id(capsys: pytest.CaptureFixture[str]) -> None:
    card = str(CARDS / "stc_contest_Assistant_Amy.png")
    code, out, _ = cli(["personas", "import", card, card], capsys)
    assert code == 0
    assert out.split() == ["amy", "amy-2"]


def _png_with_text(keyword: str, text: bytes) -> bytes:
    base = png_chunks.solid_png(4, 4, (1, 2, 3))
    return png_chunks.embed(base, {keyword: text})


def _charx(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, blob in members.items():
            archive.writestr(name, blob)
    return buffer.getvalue()


BAD_FILES = {
    "truncated.png": (lambda: (CARDS / "stc_default_CodingSensei.png").read_bytes()[:5000], "truncated|past the end"),
    "no-card.png": (lambda: (CARDS / "backyard_legacy_v4.png").read_bytes(), "no card data"),
    "plain.png": (lambda: png_chunks.solid_png(4, 4, (9, 9, 9)), "no card data"),
    "base64.png": (lambda: _png_with_text("chara", b"%%%not-base64%%%"), "base64"),
    "notjson.png": (lambda: _png_with_text("chara", base64.b64encode(b"{oops")), "invalid JSON"),
    "latin1.png": (lambda: _png_with_text("chara", base64.b64encode(b'{"name": "\xe9"}')), "not UTF-8"),
    "badspec.json": (lambda: json.dumps({"spec": "chara_card_v9", "data": {"name": "x"}}).encode(), "unknown card"),
    "huge.json": (lambda: json.dumps({"name": "x", "description": "a" * 20_000_000}).encode(), "larger than"),
    "hugefield.json": (lambda: json.dumps({"name": "x", "description": "a" * 2_000_000}).encode(), "larger than"),
    "bomb.charx": (lambda: _charx({"card.json": b" " * 200_000_000}), "zip bomb|larger than"),
    "nocard.charx": (lambda: _charx({"readme.txt": b"hi"}), "no card.json"),
    "broken.charx": (lambda: b"PK\x03\x04" + b"\x00" * 100, "damaged"),
    "nochar.byaf": (lambda: _charx({"manifest.json": b'{"characters": []}'}), "exactly one character"),
    "badjson.byaf": (lambda: _charx({"manifest.json": b'{"characters": ["c.json"]}', "c.json": b"{"}), "c.json"),
    "card.txt": (lambda: b"hello", "unsupported"),
}


@pytest.mark.parametrize("name", list(BAD_FILES))
def test_bad_file_gets_one_clear_line_and_nothing_is_imported(
    name: str, tmp_path: Path, isolated_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make, reason = BAD_FILES[name]
    path = tmp_path / name
    path.write_bytes(make())
    code, out, err = cli(["personas", "import", str(path)], capsys)
    assert code == 1
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and name in lines[0], err
    assert __import__("re").search(reason, lines[0]), lines[0]
    assert "Traceback" not in err
    user_dir = isolated_home / "personas"
    assert not user_dir.exists() or list(user_dir.iterdir()) == []


def test_one_bad_file_does_not_stop_the_good_ones(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    code, out, err = cli(["personas", "import", str(bad), str(CARDS / "stc_contest_Assistant_Amy.png")], capsys)
    assert code == 1
    assert out.split() == ["amy"]
    assert "bad.json" in err


def test_export_to_an_unknown_suffix_fails_cleanly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = cli(["personas", "export", "xiaomiao", str(tmp_path / "x.gif")], capsys)
    assert code == 1 and "x.gif" in err
    assert not (tmp_path / "x.gif").exists()


def test_imported_cards_are_kept_in_the_store_as_imported(
    isolated_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from app.paths import AppPaths
    from app.store import Store

    code, out, err = cli(["personas", "import", str(CARDS / "stc_contest_Assistant_Amy.png"), "missing.png"], capsys)
    assert code == 1 and "missing.png" in err
    (amy,) = out.split()
    store = Store(AppPaths.resolve(isolated_home).database_path)
    try:
        versions = store.persona_versions(amy)
        assert [(v.name, v.source) for v in versions] == [("Amy", "imported")]
        assert versions[0].card == json.loads(cli(["personas", "show", amy, "--json"], capsys)[1])
        assert store.persona_versions("xiaomiao") == []  # built-ins are recorded when a chat uses them
    finally:
        store.close()
