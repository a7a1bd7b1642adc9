"""`newsweave serve`: the web pages and the HTTP API over a database."""
from __future__ import annotations

import os
import signal
import socket
import sys

import click

from ..errors import NewsweaveError
from .base import db_option, echo_error, is_sqlite, main, require_database


@main.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (0.0.0.0 for every interface).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port (0: any free port).")
@click.option("--token", envvar="NEWSWEAVE_TOKEN", help="Secret that writes (and private reads) must send as "
              "'Authorization: Bearer …'. Prefer the NEWSWEAVE_TOKEN environment variable: a flag shows in `ps`.")
@click.option("--private", is_flag=True, envvar="NEWSWEAVE_PRIVATE", help="Require the token for reads too.")
@click.option("--max-body-mb", type=click.FloatRange(0.001), default=10, show_default=True, help="Largest request body.")
@click.option("--max-batch", type=click.IntRange(1), default=1000, show_default=True, help="Most articles in one POST.")
@click.option("--max-facts", type=click.IntRange(1), default=200, show_default=True,
              help="Fact rows on a story page before its 'show all' link.")
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Server processes sharing the port (reads scale with cores; writes still go one at a "
              "time, and each process re-reads the stories another one wrote before it ingests).")
@click.option("--get", "get_path", metavar="PATH", help="Answer one GET request (e.g. /api/stories) without a server, "
              "print the body and exit: 0 for status 200, 1 otherwise.")
def serve(db, host, port, token, private, max_body_mb, max_batch, max_facts, workers, get_path):
    """Serve the story pages and the HTTP API.

    Pages: / (stories, search), /stories/ID, /articles/ID, /entities/ID. API under /api (see
    /openapi.json): GET stories, stories/ID, articles/ID, entities/ID, health; POST articles
    (needs the token). Articles POSTed while it runs appear in their stories at once.

    \b
    Examples:
      newsweave serve --db news.db --port 8000
      newsweave serve --db news.db --workers 2      # one process per core
      NEWSWEAVE_TOKEN=s3cret newsweave serve --db news.db --host 0.0.0.0
      curl -H "Authorization: Bearer s3cret" --data-binary @articles.jsonl localhost:8000/api/articles
      newsweave serve --db news.db --get /api/stories
    """
    from ..store import open_store
    from ..web import Settings, create_app

    if private and not token:
        raise click.UsageError("--private needs a token: set NEWSWEAVE_TOKEN (or --token)")
    if get_path or not token:  # nothing can write to it: a missing file is a mistyped --db
        require_database(db)
    elif is_sqlite(db) and not os.path.exists(db):
        click.echo(f"note: no database at {db}: a new one is made for the articles POSTed to this server", err=True)
    try:
        store = open_store(db)
    except NewsweaveError as e:
        raise click.ClickException(str(e)) from e
    settings = Settings(token=token or None, private=private, max_body_bytes=int(max_body_mb * 1024 * 1024),
                        max_batch=max_batch, max_facts=max_facts)
    app = create_app(store, settings)
    if get_path:
        sys.exit(_get(app, get_path, token))
    _run(app, host, port, bool(token), workers, store)


def _get(app, path: str, token: str | None) -> int:
    from ..web.local import request

    if not path.startswith("/"):
        path = "/" + path
    # The operator running the command may read a private server.
    headers = {"authorization": f"Bearer {token}"} if token else {}
    status, _headers, body = request(app, path, headers=headers)
    sys.stdout.buffer.write(body)
    if body and not body.endswith(b"\n"):
        sys.stdout.buffer.write(b"\n")
    sys.stdout.flush()
    if status != 200:
        echo_error(f"GET {path}: HTTP {status}")
    return 0 if status == 200 else 1


def _run(app, host: str, port: int, writable: bool, workers: int = 1, store=None) -> None:
    import uvicorn

    # Bind here so --port 0 can report the port the system chose.
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as e:
        raise click.ClickException(f"cannot listen on {host}:{port}: {e.strerror or e}") from e
    sock.listen(2048)
    sock.set_inheritable(True)
    bound = sock.getsockname()[1]
    shown = f"[{host}]" if family == socket.AF_INET6 else host
    click.echo(f"newsweave serving on http://{shown}:{bound}/ (writes {'need the token' if writable else 'disabled: no token set'})",
               err=False)
    sys.stdout.flush()
    config = uvicorn.Config(app, log_level="info", access_log=True, proxy_headers=False,
                            timeout_graceful_shutdown=5)
    if workers == 1:
        uvicorn.Server(config).run(sockets=[sock])
        return
    _run_workers(config, sock, workers, store)


def _run_workers(config, sock: socket.socket, workers: int, store) -> None:
    """Fork ``workers`` servers on the one listening socket (the kernel spreads connections over
    them); this process waits, passes SIGTERM/SIGINT on, and exits when they have all stopped."""
    import uvicorn

    if store is not None:
        store.close()  # a database connection must not cross a fork: each child opens its own
    children: list[int] = []
    for _ in range(workers):
        pid = os.fork()
        if pid == 0:  # child
            try:
                signal.signal(signal.SIGINT, signal.SIG_DFL)
                uvicorn.Server(config).run(sockets=[sock])
            finally:
                os._exit(0)
        children.append(pid)

    def forward(signum, _frame):
        for pid in children:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    status = 0
    for pid in children:  # waitpid resumes by itself after a signal handler runs (PEP 475)
        status = status or os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
    sys.exit(status if status > 0 else 0)
