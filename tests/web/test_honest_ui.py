"""The honest-interface rules of docs/ui.md that a test can check (LAW-14).

Static checks read every template under ``src/senim/**/templates``, the stylesheet and the catalogs, so a
page added later by any domain is held to the same rules; the others open the pages through the app.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from senim.web.middleware import LANG_COOKIE
from tests.fixtures.builders import login, make_user
from tests.web.markup import (
    CATALOGS,
    CSS,
    DOCUMENTS,
    PYTHON,
    SRC,
    TEMPLATES,
    attr,
    html_tags,
    rel,
    without_jinja_conditions,
)
from tests.web.routing import with_about


@pytest.fixture
def app(app: FastAPI) -> FastAPI:
    return with_about(app)


def test_the_scans_see_every_domain_template() -> None:
    folders = {p.relative_to(SRC).parts[0] for p in TEMPLATES}
    assert {"web", "account", "about", "feed", "content", "community"} <= folders


# (a) -------------------------------------------------------------------------------------------------
def test_the_tag_scanner_reads_jinja_inside_tags() -> None:
    source = '<input type="checkbox" {% if a > b %}checked{% endif %} id="x">{# <input checked> #}'
    assert list(html_tags(source, ("input",))) == [
        ("input", '<input type="checkbox" {% if a > b %}checked{% endif %} id="x">')
    ]
    assert "checked" not in without_jinja_conditions(next(html_tags(source, ("input",)))[1])
    assert "checked" in without_jinja_conditions('<input type="checkbox" checked>')


@pytest.mark.law("LAW-14")
def test_no_template_ticks_a_box_for_the_user() -> None:
    """A checkbox or radio button is ticked only to show a choice the person stored, never by default."""
    ticked = [
        f"{rel(path)}: {tag}"
        for path in TEMPLATES
        for _name, tag in html_tags(path.read_text(encoding="utf-8"), ("input",))
        if (attr(tag, "type") or "").lower() in {"checkbox", "radio"}
        and re.search(r"\bchecked\b", without_jinja_conditions(tag))
    ]
    assert not ticked, "pre-ticked boxes:\n" + "\n".join(ticked)


@pytest.mark.law("LAW-14")
def test_registration_page_has_no_ticked_box(client: TestClient) -> None:
    page = client.get("/register").text
    boxes = [tag for _n, tag in html_tags(page, ("input",)) if attr(tag, "type") == "checkbox"]
    assert len(boxes) == 2 and not any(re.search(r"\bchecked\b", b) for b in boxes)


# (b) -------------------------------------------------------------------------------------------------
def _choices(page: str, form_action: str) -> list[tuple[str, str, frozenset[str]]]:
    """(tag name, text, classes) of the controls in the actions row of the form posting to ``form_action``."""
    form = page[page.index(f'action="{form_action}"') :]
    row = form.split('<div class="actions">', 1)[1].split("</div>", 1)[0]
    controls = re.findall(r"<(button|a)\b([^>]*)>(.*?)</\1>", row, re.S)
    return [
        (name, text.strip(), frozenset((attr(f" {attrs}", "class") or "").split()))
        for name, attrs, text in controls
    ]


@pytest.mark.law("LAW-14")
def test_accept_and_decline_look_the_same_at_registration(client: TestClient) -> None:
    client.cookies.set(LANG_COOKIE, "en")
    choices = _choices(client.get("/register").text, "/register")
    assert [text for _n, text, _c in choices] == ["Accept and register", "Decline and leave"]
    assert len({classes for _n, _t, classes in choices}) == 1, choices
    assert all("button" in classes and "secondary" not in classes for _n, _t, classes in choices)


@pytest.mark.law("LAW-14")
def test_delete_and_keep_look_the_same(client: TestClient, session: Session) -> None:
    user = make_user(session)
    session.commit()
    login(client, user)
    choices = _choices(client.get("/account/delete").text, "/account/delete")
    assert [text for _n, text, _c in choices] == ["Delete my account", "Keep my account"]
    assert len({classes for _n, _t, classes in choices}) == 1, choices
    assert all("button" in classes for _n, _t, classes in choices)
    # A new version of the documents: accept, or decline and leave, look the same too.
    choices = _choices(client.get("/account").text, "/account/documents")
    assert [text for _n, text, _c in choices] == ["Accept", "Decline and delete my account"]
    assert len({classes for _n, _t, classes in choices}) == 1, choices


# (c) -------------------------------------------------------------------------------------------------
PAGES = ["/", "/communities", "/documents/user_agreement", "/about/feed"]


def _links(page: str) -> dict[str, str]:
    return {
        attr(f" {a}", "href") or "": text.strip()
        for a, text in re.findall(r"<a\b([^>]*)>(.*?)</a>", page, re.S)
    }


@pytest.mark.law("LAW-14")
def test_leaving_is_as_easy_to_find_as_signing_up(client: TestClient, session: Session) -> None:
    """Every page links to "Register" for visitors and to "Delete my account" for signed-in people:
    one click away from anywhere, both."""
    client.cookies.set(LANG_COOKIE, "en")
    for path in PAGES:
        assert _links(client.get(path).text).get("/register") == "Register", path
    user = make_user(session)
    session.commit()
    login(client, user)
    for path in [*PAGES, "/account"]:
        page = client.get(path).text
        footer = page[page.index('<footer class="site">') :]
        assert _links(footer).get("/account/delete") == "Delete my account", path
        assert "/register" not in _links(page)
    settings = client.get("/account").text
    leave = settings[settings.index('id="leave"') :]
    assert _links(leave).get("/account/delete") == "Delete my account"
    assert client.get("/account/delete").status_code == 200


# (d) -------------------------------------------------------------------------------------------------
# Wording that shames or pressures a person for declining or leaving (lower case; kk, ru, en).
CONFIRM_SHAMING = [
    "no thanks, i",
    "no, thanks, i",
    "i don't care",
    "i do not care",
    "i don't want to save",
    "i prefer to pay more",
    "i'd rather stay uninformed",
    "we'll miss you",
    "we will miss you",
    "sad to see you go",
    "are you sure you want to leave us",
    "you'll lose everything",
    "you will lose everything",
    "don't leave",
    "нет, спасибо, я",
    "мне всё равно",
    "мне все равно",
    "мы будем скучать",
    "жаль, что вы уходите",
    "вы потеряете всё",
    "жоқ, рақмет, мен",
    "маған бәрібір",
    "біз сізді сағынамыз",
    "сізді сағынамыз",
]


def _wording_sources() -> list[Path]:
    return TEMPLATES + CATALOGS + DOCUMENTS + [p for p in PYTHON if "migrations" not in p.parts]


@pytest.mark.law("LAW-14")
def test_no_confirm_shaming_wording_anywhere() -> None:
    found = [
        f"{rel(path)}: {phrase!r}"
        for path in _wording_sources()
        for phrase in CONFIRM_SHAMING
        if phrase in path.read_text(encoding="utf-8").lower().replace("’", "'")
    ]
    assert not found, "confirm-shaming wording:\n" + "\n".join(found)


# (e) -------------------------------------------------------------------------------------------------
UNLABELLED_TYPES = {"hidden", "submit", "button", "reset", "image"}


@pytest.mark.law("LAW-14")
def test_every_field_has_a_label() -> None:
    """Each input (except hidden and buttons), select and textarea has <label for=its id> in the same
    template, or an aria-label / aria-labelledby."""
    missing = []
    for path in TEMPLATES:
        source = path.read_text(encoding="utf-8")
        labels = {attr(tag, "for") for _n, tag in html_tags(source, ("label",))}
        for name, tag in html_tags(source, ("input", "select", "textarea")):
            if name == "input" and (attr(tag, "type") or "text").lower() in UNLABELLED_TYPES:
                continue
            if attr(tag, "aria-label") or attr(tag, "aria-labelledby"):
                continue
            field_id = attr(tag, "id")
            if not field_id or field_id not in labels:
                missing.append(f"{rel(path)}: {tag}")
    assert not missing, "fields without a label:\n" + "\n".join(missing)


# (f) -------------------------------------------------------------------------------------------------
def _relative_luminance(hex_colour: str) -> float:
    h = hex_colour.lstrip("#")
    if len(h) == 3:
        h = "".join(c * 2 for c in h)
    channels = [int(h[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """The WCAG 2.1 contrast ratio of two colours."""
    la, lb = sorted((_relative_luminance(a), _relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_contrast_formula_matches_known_values() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert contrast("#fff", "#ffffff") == pytest.approx(1)


def _stylesheet() -> tuple[dict[str, str], list[tuple[str, dict[str, str]]]]:
    """(custom properties of :root, [(selector, declarations)]) of senim.css."""
    css = re.sub(r"/\*.*?\*/", "", CSS.read_text(encoding="utf-8"), flags=re.S)
    rules = []
    for selector, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        decls = {}
        for decl in body.split(";"):
            if ":" in decl:
                prop, value = decl.split(":", 1)
                decls[prop.strip().lower()] = value.strip()
        rules.append((" ".join(selector.split()), decls))
    root = next(d for s, d in rules if s == ":root")
    return {k: v for k, v in root.items() if k.startswith("--")}, rules


def _colour(value: str, props: dict[str, str]) -> str | None:
    """The hex colour of a declaration value, resolving var(); None for none/transparent/inherit."""
    value = value.strip()
    var = re.fullmatch(r"var\((--[\w-]+)\)", value)
    if var:
        return _colour(props[var.group(1)], props)
    if value in {"none", "transparent", "inherit", "currentcolor"}:
        return None
    assert re.fullmatch(r"#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?", value), (
        f"write colours as hex custom properties: {value}"
    )
    return value


def _colours_of(
    rules: list[tuple[str, dict[str, str]]], props: dict[str, str]
) -> list[tuple[str, str | None, str | None]]:
    out = []
    for selector, decls in rules:
        text = _colour(decls["color"], props) if "color" in decls else None
        background = decls.get("background-color", decls.get("background"))
        surface = _colour(background, props) if background is not None else None
        out.append((selector, text, surface))
    return out


@pytest.mark.law("LAW-14")
def test_text_colours_have_aa_contrast_on_every_surface() -> None:
    """Text: 4.5:1 (WCAG 2.1 AA 1.4.3). A rule setting both colours is checked as a pair; a text colour
    set alone may sit on any surface a rule paints, so every such pair is checked."""
    props, rules = _stylesheet()
    colours = _colours_of(rules, props)
    free_text = {t for _s, t, b in colours if t and not b}
    surfaces = {b for _s, t, b in colours if b and not t} | {props["--paper"], props["--wash"]}
    pairs = {(t, b, s) for s, t, b in colours if t and b}
    pairs |= {(t, b, "any") for t in free_text for b in surfaces}
    weak = [f"{s}: {t} on {b} = {contrast(t, b):.2f}" for t, b, s in sorted(pairs) if contrast(t, b) < 4.5]
    assert not weak, "text below 4.5:1:\n" + "\n".join(weak)
    assert len(free_text) >= 4 and len(surfaces) >= 4  # the scan found the palette


@pytest.mark.law("LAW-14")
def test_focus_ring_and_field_borders_have_3_to_1_contrast() -> None:
    """Non-text contrast (WCAG 2.1 AA 1.4.11): the focus ring against every surface, field borders
    against the paper they sit on."""
    props, rules = _stylesheet()
    colours = _colours_of(rules, props)
    surfaces = {b for _s, t, b in colours if b and not t} | {props["--paper"], props["--wash"]}
    outlines = [d["outline"] for s, d in rules if "focus" in s and "outline" in d]
    assert outlines, "no focus style"
    for outline in outlines:
        var = re.search(r"var\((--[\w-]+)\)", outline)
        assert var, f"the focus ring uses a colour property: {outline}"
        ring = _colour(props[var.group(1)], props)
        assert ring
        assert all(contrast(ring, b) >= 3 for b in surfaces), outline
    field = next(d["border"] for s, d in rules if s.startswith("input, select, textarea"))
    border = _colour(re.search(r"var\(--[\w-]+\)", field).group(0), props)  # type: ignore[union-attr]
    assert border and contrast(border, props["--paper"]) >= 3
