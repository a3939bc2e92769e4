"""The application factory: one FastAPI app serving the JSON API, the HTML site and the console."""

from __future__ import annotations

import importlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from senim.authority.counting import record_request_presence
from senim.config import Mode, Settings, get_settings
from senim.db import Database
from senim.errors import AppError
from senim.kit import encrypted
from senim.privacy import transfers
from senim.web import i18n
from senim.web.middleware import SenimMiddleware
from senim.web.templating import render

log = logging.getLogger("senim")

# Domains in the order of the OpenAPI document; each may have ``api.py`` and ``views.py`` with a ``router``.
DOMAINS = [
    "account",
    "community",
    "content",
    "feed",
    "notification",
    "platform",
    "audit",
    "jobs",
    "console",
    "about",
    "taxonomy",
    "complaint",
    "moderation",
    "detection",
    "escalation",
    "translation",
    "authority",
    "privacy",
    "transparency",
    "ads",
]


def router_modules() -> list[str]:
    """Each domain's ``api.py`` and ``views.py``, and its ``<part>_api.py`` and ``<part>_views.py``."""
    src = Path(__file__).parent
    return [
        f"senim.{domain}.{path.stem}"
        for domain in DOMAINS
        for kind in ("api", "views")
        for path in sorted((src / domain).glob(f"*{kind}.py"))
        if path.stem == kind or path.stem.endswith(f"_{kind}")
    ]


STATIC_DIR = Path(__file__).parent / "web" / "static"


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or "application/json" in request.headers.get("accept", "")


def _error_response(request: Request, status: int, code: str, message: str, **extra: object) -> Response:
    if getattr(request.state, "request_too_large", False):
        status, code, extra = 413, "payload_too_large", {}
        message = i18n.gettext("The request is too large.")
    if _wants_json(request):
        return JSONResponse({"error": {"code": code, "message": message, **extra}}, status_code=status)
    return render(request, "error.html", {"status": status, "message": message}, status_code=status)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(AppError)
    async def app_error(request: Request, exc: AppError) -> Response:
        params = {k: v for k, v in exc.params.items() if k != "fields"}
        message = i18n.gettext(exc.message, **params)
        extra: dict[str, object] = {}
        if "fields" in exc.params:
            extra["problems"] = [i18n.gettext(p, **params) for p in exc.params["fields"]]
        return _error_response(request, exc.status_code, exc.code, message, **extra)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        problems = [
            {"field": ".".join(str(p) for p in err.get("loc", ())[1:]), "message": err.get("msg", "")}
            for err in exc.errors()
        ]
        message = i18n.gettext("Some fields are missing or invalid.")
        return _error_response(request, 422, "invalid", message, problems=problems)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        messages = {404: "Page not found.", 405: "This method is not allowed here."}
        message = i18n.gettext(messages.get(exc.status_code, "The request could not be handled."))
        return _error_response(request, exc.status_code, "http_error", message)


def create_app(
    settings: Settings | None = None, db: Database | None = None, *, worker: bool | None = None
) -> FastAPI:
    settings = settings or get_settings()
    encrypted.configure(settings.keyring)  # the app's settings decide the keys of encrypted data
    transfers.recipients(settings)  # a malformed SENIM_DATA_RECIPIENTS stops the start, not a page later
    db = db or Database(settings.database_url)
    run_worker = settings.embedded_worker if worker is None else worker

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        embedded = None
        if run_worker:
            from senim.jobs.worker import Worker

            embedded = Worker(db, settings, name="embedded")
            embedded.start_in_thread()
        try:
            yield
        finally:
            if embedded is not None:
                embedded.stop()

    app = FastAPI(
        title="Senim API",
        version="1",
        summary="Online platform and compliance engine for the Law of the Republic of Kazakhstan "
        '"On online platforms and online advertising"',
        lifespan=lifespan,
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/v1/openapi.json",
        swagger_ui_oauth2_redirect_url=None,
    )
    app.state.settings = settings
    app.state.db = db
    i18n.configure(default_language=settings.default_language, time_zone=settings.time_zone)
    app.add_middleware(
        SenimMiddleware,
        secure_cookies=settings.mode is Mode.production,
        max_request_bytes=settings.max_request_bytes,
        after_response=record_request_presence,
    )
    install_error_handlers(app)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.state.routers = [importlib.import_module(module).router for module in router_modules()]
    for router in app.state.routers:
        app.include_router(router)
    return app


def api_routes(app: FastAPI) -> list[APIRoute]:
    """Every route of Senim's own routers (what the route × role table covers)."""
    return [route for router in app.state.routers for route in router.routes if isinstance(route, APIRoute)]
