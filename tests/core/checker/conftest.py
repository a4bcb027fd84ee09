"""Personas for the checker tests: the built-in 小喵 and the English test-only cards of the development set."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.personas import Persona, PersonaLibrary, load_card_file, parse_card

CARDS = Path(__file__).resolve().parents[2] / "data" / "checker" / "cards"


@pytest.fixture(scope="session")
def xiaomiao() -> Persona:
    return PersonaLibrary(None).get("xiaomiao")


@pytest.fixture(scope="session")
def hoot() -> Persona:
    return load_card_file(CARDS / "professor-hoot.json")


@pytest.fixture(scope="session")
def captain() -> Persona:
    return load_card_file(CARDS / "captain-byte.json")


@pytest.fixture(scope="session")
def plain_card() -> Persona:
    """A card without our extension: its profile must be derived from the text."""
    return parse_card(
        {
            "name": "Kitsune",
            "description": "A fox spirit who teaches, speaking softly and ending lines with 'Kon!'.",
            "first_mes": "Kon! Welcome, traveller. Kon! What shall we learn under the shrine's lanterns?",
            "mes_example": "<START>\n{{user}}: Hi\n{{char}}: Kon! *swishes nine tails* Ask me anything, Kon!",
        },
        "kitsune",
    )
