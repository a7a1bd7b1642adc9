"""Access checks, error responses and the headers every response carries.

Writes need the configured token; reads need it only when the server is private. A token is
sent as ``Authorization: Bearer …`` (scripts) or as the password of HTTP Basic auth (browsers,
which then prompt for it on private servers). Tokens are compared in constant time.
"""
from __future__ import annotations

import base64
import binascii
import hmac
import logging
from typing import Any

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .settings import TOKEN_ENV

log = logging.getLogger(__name__)

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


class Problem(Exception):
    """An error answered to the client: JSON under /api, an HTML page elsewhere."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None,
                 details: list[str] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}
        self.details = details or []

    def body(self) -> dict[str, Any]:
        out: dict[str, Any] = {"ok": False, "error": self.message, "status": self.status}
        if self.details or self.status == 422:  # (every 422 lists what is wrong, one item or several)
            out["errors"] = self.details or [self.message]
        return out


def presented_token(request: Request) -> str | None:
    """The token in the Authorization header (Bearer, or Basic with the token as password)."""
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    scheme, value = scheme.lower(), value.strip()
    if scheme == "bearer" and value:
        return value
    if scheme == "basic" and value:
        try:
            decoded = base64.b64decode(value, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return None
        return decoded.partition(":")[2] or None
    return None


def token_matches(given: str | None, expected: str | None) -> bool:
    if not given or not expected:
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def _challenge(request: Request) -> dict[str, str]:
    # Browsers prompt for Basic; API clients are told to send a Bearer token.
    if request.url.path.startswith("/api"):
        return {"WWW-Authenticate": 'Bearer realm="newsweave"'}
    return {"WWW-Authenticate": 'Basic realm="newsweave"'}


async def require_write(request: Request) -> None:
    settings = request.app.state.settings
    if not settings.token:
        raise Problem(403, f"writes are disabled on this server: start it with {TOKEN_ENV}=<secret> in the "
                           "environment (or --token) and send 'Authorization: Bearer <secret>'")
    given = presented_token(request)
    if given is None:
        raise Problem(401, "this request needs a token: send 'Authorization: Bearer <token>'", _challenge(request))
    if not token_matches(given, settings.token):
        raise Problem(403, "wrong token", _challenge(request))


async def require_read(request: Request) -> None:
    settings = request.app.state.settings
    if not settings.private:
        return
    given = presented_token(request)
    if not token_matches(given, settings.token):
        status = 401 if given is None else 403
        raise Problem(status, "this server is private: send 'Authorization: Bearer <token>'", _challenge(request))


class GuardMiddleware:
    """Adds the security headers to every response and refuses bodies over the size limit,
    by Content-Length up front and by counting for chunked bodies."""

    def __init__(self, app: ASGIApp, max_body_bytes: int, on_error=None):
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.on_error = on_error  # (request, Problem) -> Response, for unexpected failures

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        started = False
        head = scope.get("method") == "HEAD"
        if head:  # answered as GET without the body (monitors and link checkers use HEAD)
            scope = {**scope, "method": "GET"}

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if head and message["type"] == "http.response.body":
                message = {**message, "body": b""}
            if message["type"] == "http.response.start":
                started = True
                names = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in SECURITY_HEADERS if k not in names]
                message = {**message, "headers": list(message.get("headers", [])) + extra}
            await send(message)

        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None:
            try:
                too_big = int(length) > self.max_body_bytes
            except ValueError:
                too_big = False
            if too_big:
                await self._refuse(scope, send_with_headers)
                return

        received = 0

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    raise BodyTooLarge(self.max_body_bytes)
            return message

        try:
            await self.app(scope, counted_receive, send_with_headers)
        except Exception as exc:  # answered here so the error page also carries the headers
            log.exception("%s %s failed", scope.get("method"), scope.get("path"))
            if started or self.on_error is None:
                raise
            problem = Problem(500, f"internal error ({type(exc).__name__}); see the server log")
            await self.on_error(Request(scope), problem)(scope, receive, send_with_headers)

    async def _refuse(self, scope: Scope, send: Send) -> None:
        import json

        body = json.dumps(body_too_large(self.max_body_bytes).body()).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})


class BodyTooLarge(Exception):
    def __init__(self, limit: int):
        super().__init__(f"body over {limit} bytes")
        self.limit = limit


def body_too_large(limit: int) -> Problem:
    return Problem(413, f"request body too large: the limit is {limit / (1024 * 1024):g} MB; "
                        "send fewer articles per request")
