"""The inbox's style sheet keeps text readable: WCAG AA contrast (4.5:1) for every text colour.

Every rule of ``app.css`` that sets a text colour is checked against the
background it sets itself or, when it sets none, against each page
background the text can sit on (the page, the paper of tables and panels,
an unread row; the header's own colour inside the header). Colours are the
sheet's own ``var(--...)`` values.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import postmark.sandbox.ui

CSS = (Path(postmark.sandbox.ui.__file__).parent / "static" / "app.css").read_text()
VARIABLES = dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{3,6})", CSS))
RULES = re.findall(r"([^{}]+)\{([^{}]*)\}", re.sub(r"/\*.*?\*/", "", CSS, flags=re.S))
PAGE_BACKGROUNDS = ("back", "paper", "unread")
# Text inside these containers sits on the container's own background.
CONTAINERS = {"header": "brand"}
AA = 4.5


def colour(value: str) -> str | None:
    """``#rrggbb`` for a literal or one of the sheet's variables; None for anything else."""
    value = value.strip()
    found = re.fullmatch(r"var\(--([\w-]+)\)", value)
    if found:
        value = VARIABLES.get(found.group(1), "")
    if re.fullmatch(r"#[0-9a-fA-F]{3}", value):
        value = "#" + "".join(c * 2 for c in value[1:])
    return value.lower() if re.fullmatch(r"#[0-9a-fA-F]{6}", value) else None


def luminance(hex_colour: str) -> float:
    def channel(part: str) -> float:
        c = int(part, 16) / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(hex_colour[i : i + 2]) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def declared(body: str, name: str) -> str | None:
    found = re.search(rf"(?:^|;)\s*{name}\s*:\s*([^;]+)", body)
    return colour(found.group(1)) if found else None


def pairs() -> list[tuple[str, str, str]]:
    """(selector, text colour, background) for every text colour the sheet sets."""
    found = []
    for selector, body in RULES:
        text = declared(body, "color")
        if text is None:
            continue
        background = declared(body, "background") or declared(body, "background-color")
        container = CONTAINERS.get(selector.split()[0]) if selector.split() else None
        names = (container,) if container else PAGE_BACKGROUNDS
        inherited = [colour(f"var(--{name})") for name in names]
        grounds = [background] if background else [g for g in inherited if g]
        found += [(" ".join(selector.split()), text, ground) for ground in grounds]
    return found


def test_the_sheet_sets_text_colours_to_check() -> None:
    assert len(pairs()) >= 20  # the parsing found the sheet's rules, not nothing


@pytest.mark.parametrize(("selector", "text", "ground"), pairs())
def test_text_colour_meets_wcag_aa(selector: str, text: str, ground: str) -> None:
    assert contrast(text, ground) >= AA, f"{selector}: {text} on {ground}"


def test_the_check_fails_for_low_contrast() -> None:
    assert contrast("#777777", "#ffffff") < AA < contrast("#595959", "#ffffff")
