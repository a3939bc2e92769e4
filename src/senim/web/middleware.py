"""A pure ASGI middleware: request id, interface language, security headers, the visitor CSRF cookie."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection, Request
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from senim.audit.service import request_id_var
from senim.errors import PayloadTooLarge
from senim.web import i18n

LANG_COOKIE = "senim_lang"
CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'self'"
)


class SenimMiddleware:
    """``after_response(request, status)``, when given, runs in a worker thread once the response is sent
    (counting who used the platform today, LAW-12); it must not raise."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        secure_cookies: bool = False,
        max_request_bytes: int = 40 << 20,
        after_response: Callable[[Request, int], None] | None = None,
    ) -> None:
        self.app = app
        self.secure_cookies = secure_cookies
        self.max_request_bytes = max_request_bytes
        self.after_response = after_response

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        conn = HTTPConnection(scope)
        # Always our own id: it is stored on audit records, so a client must not choose it.
        rid = uuid.uuid4().hex
        request_id_var.set(rid)
        # The chosen language (cookie; a signed-in user's own choice replaces it once known). API clients
        # without the cookie may ask with Accept-Language; pages default to Kazakh (LAW-08).
        lang = conn.cookies.get(LANG_COOKIE)
        if lang not in i18n.LANGUAGES and scope["path"].startswith("/api/"):
            lang = i18n.negotiate(conn.headers.get("accept-language"))
        i18n.locale_var.set(lang if lang in i18n.LANGUAGES else i18n.default_language())
        state: dict[str, Any] = scope.setdefault("state", {})

        declared = conn.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_request_bytes:
            await _too_large(scope, receive, send, rid)
            return
        received = 0
        limit = self.max_request_bytes

        async def receive_limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    # Frameworks may wrap this error (FastAPI turns body errors into 400): the flag
                    # lets the error handlers answer 413 whatever happened to the exception.
                    state["request_too_large"] = True
                    raise PayloadTooLarge("The request is too large.")
            return message

        status: int | None = None

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = MutableHeaders(scope=message)
                headers["x-request-id"] = rid
                headers.setdefault("x-content-type-options", "nosniff")
                headers.setdefault("referrer-policy", "same-origin")
                headers.setdefault("x-frame-options", "DENY")
                headers.setdefault("content-security-policy", CSP)
                headers.setdefault("content-language", i18n.locale_var.get())
                if self.secure_cookies:  # production is served over HTTPS only
                    headers.setdefault("strict-transport-security", "max-age=31536000; includeSubDomains")
                new_csrf = state.get("new_csrf")
                if new_csrf:
                    secure = "; Secure" if self.secure_cookies else ""
                    headers.append(
                        "set-cookie", f"senim_csrf={new_csrf}; Path=/; HttpOnly; SameSite=Lax{secure}"
                    )
            await send(message)

        await self.app(scope, receive_limited, send_wrapper)
        if self.after_response is not None and status is not None:
            await run_in_threadpool(self.after_response, Request(scope), status)


async def _too_large(scope: Scope, receive: Receive, send: Send, rid: str) -> None:
    body = {"error": {"code": "payload_too_large", "message": i18n.gettext("The request is too large.")}}
    response = JSONResponse(body, status_code=413, headers={"x-request-id": rid})
    await response(scope, receive, send)
