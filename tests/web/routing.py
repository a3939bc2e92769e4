"""Test helpers for pages served by the ``about`` domain.

Until ``senim.app.DOMAINS`` lists "about", the app does not include its router; tests that open its pages
add it to their own app with ``with_about``. Once the domain is listed this changes nothing.
"""

from __future__ import annotations

from fastapi import FastAPI

from senim.about import views as about_views


def with_about(app: FastAPI) -> FastAPI:
    if about_views.router not in app.state.routers:
        app.include_router(about_views.router)
    return app
