"""Run one request through an ASGI app in this process, without a server (``serve --get``)."""
from __future__ import annotations

import asyncio
from urllib.parse import unquote, urlsplit


async def _call(app, method: str, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    parts = urlsplit(path)
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
        # "path" decoded, as a server gives it ("/entities/city%3Adubai" is "/entities/city:dubai")
        "scheme": "http", "path": unquote(parts.path) or "/", "raw_path": (parts.path or "/").encode(),
        "query_string": parts.query.encode(), "root_path": "",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()] + [(b"host", b"localhost")],
        "client": ("127.0.0.1", 0), "server": ("localhost", 80),
    }
    status, out_headers, body = 500, {}, bytearray()
    sent = False

    async def receive():
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.Event().wait()  # nothing more will come

    async def send(message):
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
            out_headers.update({k.decode(): v.decode() for k, v in message.get("headers", [])})
        elif message["type"] == "http.response.body":
            body.extend(message.get("body", b""))

    await app(scope, receive, send)
    return status, out_headers, bytes(body)


def request(app, path: str, method: str = "GET", headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """(status, headers, body) of ``method path`` answered by ``app``."""
    return asyncio.run(_call(app, method, path, headers or {}))
