"""The web application: ``create_app(store, settings)`` builds a fresh FastAPI app each call
(no module-level app), holding its store, settings and a lazily made pipeline in ``app.state``."""
from __future__ import annotations

import logging
from collections import OrderedDict
from pathlib import Path
from urllib.parse import quote

import jinja2
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from . import present
from .ingest import Ingester
from .security import BodyTooLarge, GuardMiddleware, Problem, body_too_large
from .settings import Settings

log = logging.getLogger(__name__)
HERE = Path(__file__).resolve().parent


def version() -> str:
    try:
        from importlib.metadata import version as v

        return v("newsweave")
    except Exception:  # running from a source tree without metadata
        return "0"


def templates() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(HERE / "templates")),
                             autoescape=True, undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True)
    env.filters["u"] = lambda s: quote(str(s), safe="")
    env.filters["when"] = present.nice_time
    env.filters["web_url"] = present.web_url
    env.globals["status_labels"] = present.STATUS_LABELS
    return env


def create_app(store, settings: Settings | None = None) -> FastAPI:
    """A new app over ``store`` (a SQLiteStore or PostgresStore)."""
    from .api import router as api_router
    from .pages import router as pages_router

    settings = settings or Settings()
    app = FastAPI(title="newsweave", version=version(),
                  description="Stories built from news articles: facts compared source by source, cited summaries.",
                  docs_url=None, redoc_url=None)  # the hosted docs pages load scripts from a CDN; CSP forbids that
    app.state.store = store
    app.state.settings = settings
    app.state.ingester = Ingester(store)
    app.state.templates = templates()
    app.state.parsed_stories = OrderedDict()  # story id -> (stored JSON, parsed): see pages.parsed_story
    app.include_router(api_router)
    app.include_router(pages_router)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    _add_error_handlers(app)
    app.add_middleware(GuardMiddleware, max_body_bytes=settings.max_body_bytes, on_error=problem_response)
    return app


def wants_json(request: Request) -> bool:
    path = request.url.path
    return path.startswith("/api") or path.endswith(".json") or path == "/openapi.json"


def problem_response(request: Request, problem: Problem):
    if wants_json(request):
        return JSONResponse(problem.body(), status_code=problem.status, headers=problem.headers)
    html = request.app.state.templates.get_template("error.html").render(
        request=request, problem=problem, title=f"{problem.status}", api="")
    return HTMLResponse(html, status_code=problem.status, headers=problem.headers)


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(Problem)
    async def on_problem(request: Request, exc: Problem):
        return problem_response(request, exc)

    @app.exception_handler(BodyTooLarge)
    async def on_too_large(request: Request, exc: BodyTooLarge):
        return problem_response(request, body_too_large(exc.limit))

    @app.exception_handler(StarletteHTTPException)
    async def on_http(request: Request, exc: StarletteHTTPException):
        message = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        if exc.status_code == 404 and message == "Not Found":
            message = f"no such page: {request.url.path}"
        return problem_response(request, Problem(exc.status_code, message, dict(exc.headers or {})))

    @app.exception_handler(RequestValidationError)
    async def on_invalid(request: Request, exc: RequestValidationError):
        details = []
        for err in exc.errors():
            where = ".".join(str(x) for x in err.get("loc", ()) if x not in ("query", "path", "body"))
            details.append(f"{where}: {err.get('msg', 'invalid')}" if where else err.get("msg", "invalid"))
        message = "invalid request: " + "; ".join(details)
        return problem_response(request, Problem(422, message, details=details))
