"""Property-based tests: whatever bytes or JSON a card file holds, the parsers either return a card or raise
PersonaError (a clear message), never another exception; valid cards survive every format's round trip."""

import base64
import io
import json
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.cards import png_chunks
from app.cards.files import card_bytes, read_bytes
from app.cards.formats import normalize
from app.cards.lorebook import activate
from app.errors import PersonaError

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# The parsers that take a stranger's bytes first get thousands of examples (measured: about 40 s together on a
# busy 2-core machine); the slower whole-card properties keep 300.
FUZZ = settings(SETTINGS, max_examples=3000)
FUZZ_ARCHIVES = settings(SETTINGS, max_examples=1000)
SUFFIXES = st.sampled_from([".png", ".json", ".charx", ".byaf", ".txt", ""])
BASE_PNG = png_chunks.solid_png(2, 2, (10, 20, 30))
VALID = normalize({"spec": "chara_card_v2", "spec_version": "2.0", "data": {"name": "Amy", "first_mes": "hi"}})
VALID_PNG = card_bytes(VALID, ".png", BASE_PNG)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=20,
)
card_keys = st.sampled_from(
    ["name", "description", "first_mes", "mes_example", "alternate_greetings", "tags", "extensions",
     "character_book", "spec", "spec_version", "data", "entries", "keys", "content", "selective",
     "secondary_keys", "constant", "enabled", "scan_depth", "token_budget", "position", "insertion_order"]
)  # fmt: skip
card_like = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.text(max_size=20)
    | st.sampled_from(["chara_card_v2", "chara_card_v3"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(card_keys, inner, max_size=6),
    max_leaves=25,
)


def parses_or_persona_error(blob: bytes, suffix: str) -> None:
    try:
        read_bytes(blob, suffix)
    except PersonaError as exc:
        assert str(exc)


@pytest.mark.timeout(300)
@FUZZ
@given(st.binary(max_size=512), SUFFIXES)
def test_arbitrary_bytes(blob: bytes, suffix: str) -> None:
    parses_or_persona_error(blob, suffix)


@pytest.mark.timeout(300)
@FUZZ
@given(st.data())
def test_mutated_card_png(data: st.DataObject) -> None:
    blob = bytearray(VALID_PNG)
    for _ in range(data.draw(st.integers(1, 4))):
        blob[data.draw(st.integers(0, len(blob) - 1))] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(0, len(blob)))
    parses_or_persona_error(bytes(blob[:cut]) if data.draw(st.booleans()) else bytes(blob), ".png")


@pytest.mark.timeout(300)
@FUZZ_ARCHIVES
@given(
    st.sampled_from(["chara", "ccv3", "CHARA", "other"]),
    st.binary(max_size=200) | st.text(max_size=200).map(str.encode),
)
def test_arbitrary_text_chunk_payload(keyword: str, payload: bytes) -> None:
    parses_or_persona_error(png_chunks.embed(BASE_PNG, {keyword: payload}), ".png")
    parses_or_persona_error(png_chunks.embed(BASE_PNG, {keyword: base64.b64encode(payload)}), ".png")


@SETTINGS
@given(card_like | json_values)
def test_arbitrary_json_cards(value: object) -> None:
    blob = json.dumps(value).encode()
    try:
        loaded = read_bytes(blob, ".json")
    except PersonaError:
        return
    # a card that loads is idempotent under normalize and survives the PNG round trip
    assert normalize(loaded.card) == loaded.card
    assert read_bytes(card_bytes(loaded.card, ".png", BASE_PNG), ".png").card == loaded.card
    book = loaded.card["data"].get("character_book")
    activate(book, ["some text", "dragon"])


@pytest.mark.timeout(300)
@FUZZ_ARCHIVES
@given(st.dictionaries(st.sampled_from(["card.json", "assets/icon/images/main.png", "x"]), st.binary(max_size=200)))
def test_arbitrary_charx(members: dict[str, bytes]) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, blob in members.items():
            archive.writestr(name, blob)
    parses_or_persona_error(buffer.getvalue(), ".charx")


@SETTINGS
@given(
    st.text(min_size=1, max_size=30).filter(str.strip),
    st.text(max_size=200),
    st.lists(st.text(max_size=40), max_size=3),
    st.dictionaries(st.text(max_size=10), json_values, max_size=3),
)
def test_valid_cards_round_trip_through_every_format(
    name: str, first_mes: str, alternates: list[str], extensions: dict
) -> None:
    card = normalize(
        {"spec": "chara_card_v3", "spec_version": "3.0",
         "data": {"name": name, "first_mes": first_mes, "alternate_greetings": alternates, "extensions": extensions}}
    )  # fmt: skip
    assert read_bytes(card_bytes(card, ".json", BASE_PNG), ".json").card == card
    assert read_bytes(card_bytes(card, ".png", BASE_PNG), ".png").card == card
    charx = read_bytes(card_bytes(card, ".charx", BASE_PNG), ".charx").card
    assert {k: v for k, v in charx["data"].items() if k != "assets"} == card["data"]


entry_fields = st.dictionaries(
    st.sampled_from(["keys", "secondary_keys", "content", "selective", "constant", "enabled", "case_sensitive",
                     "insertion_order", "priority", "position", "extensions"]),
    json_values | st.lists(st.text(max_size=8), max_size=3) | st.just({"selectiveLogic": 3, "scan_depth": 1e308}),
    max_size=8,
)  # fmt: skip


@SETTINGS
@given(
    st.dictionaries(st.sampled_from(["scan_depth", "token_budget", "name"]), json_values, max_size=3),
    st.lists(entry_fields, max_size=4),
    st.lists(st.text(max_size=30), max_size=4),
)
def test_lorebook_activation_never_crashes(book: dict, entries: list[dict], recent: list[str]) -> None:
    raw = {"name": "N", "character_book": {**book, "entries": entries}}
    try:
        card = normalize(raw)
    except PersonaError:
        return
    for active in activate(card["data"]["character_book"], recent):
        assert active.content.strip()


@SETTINGS
@given(
    st.dictionaries(
        st.sampled_from(["manifest.json", "c.json", "s.json", "images/a.png"]),
        json_values.map(lambda v: json.dumps(v).encode())
        | st.just(b'{"characters": ["c.json"], "scenarios": ["s.json", 5]}')
        | st.just(b'{"name": "N", "loreItems": [{"key": "a, b", "value": 3}], "images": [{"path": "images/a.png"}]}'),
    )
)
def test_arbitrary_backyard_archives(members: dict[str, bytes]) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, blob in members.items():
            archive.writestr(name, blob)
    parses_or_persona_error(buffer.getvalue(), ".byaf")
