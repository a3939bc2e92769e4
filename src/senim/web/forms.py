"""Helpers for HTML forms: read fields, render Markdown safely, redirect with a message."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote, urlsplit

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse
from markdown_it import MarkdownIt
from markupsafe import Markup
from starlette.datastructures import FormData, UploadFile

_md = MarkdownIt("commonmark", {"html": False, "linkify": False})


def markdown(text: str) -> Markup:
    """Markdown to HTML with raw HTML disabled, so user or document text cannot inject markup."""
    return Markup(_md.render(text))  # noqa: S704 - markdown-it escapes everything; raw HTML is off


async def read_form(request: Request) -> FormData:
    """The request's form, parsed on the event loop (no database work here).

    HTML views are plain ``def`` functions taking ``form: Form`` so that their database work runs in the
    thread pool: database calls inside ``async def`` would block the event loop.
    """
    return await request.form()


Form = Annotated[FormData, Depends(read_form)]


def fields(form: FormData) -> dict[str, str]:
    return {k: v for k, v in form.items() if isinstance(v, str)}


def files(form: FormData, name: str) -> list[UploadFile]:
    return [f for f in form.getlist(name) if isinstance(f, UploadFile) and f.filename]


def safe_next(target: str | None, default: str = "/") -> str:
    """Only same-site paths are followed after a form (no open redirects)."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


# Messages shown after a redirect, by key: only these can appear, so a crafted link cannot put
# arbitrary text on a Senim page. Domains add theirs with ``flash_message``.
FLASHES: dict[str, str] = {}


def flash_message(key: str, message: str) -> str:
    FLASHES[key] = message
    return key


def redirect(path: str, flash: str | None = None) -> RedirectResponse:
    """Redirect after a POST (303); ``flash`` is a key of ``FLASHES`` shown once on the next page."""
    if flash:
        if flash not in FLASHES:
            raise KeyError(f"unknown flash message {flash!r}")
        sep = "&" if "?" in path else "?"
        path = f"{path}{sep}msg={quote(flash)}"
    return RedirectResponse(path, status_code=303)
