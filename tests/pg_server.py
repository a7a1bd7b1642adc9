"""A throwaway PostgreSQL server for tests: initdb into a temporary folder, start, stop, delete.

The server listens on a free 127.0.0.1 port and on a Unix socket inside its own folder, with
``fsync=off`` (its data is thrown away). PostgreSQL refuses to run as root, so under uid 0 the
server processes run as the ``postgres`` user (Debian's package creates it) or else ``nobody``.

Binaries are looked up on PATH, then in Debian's /usr/lib/postgresql/<version>/bin
(apt package ``postgresql``).
"""
from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path

SUPERUSER = "newsweave"


def find_binaries() -> dict[str, str] | None:
    """Paths of initdb and pg_ctl, or None when PostgreSQL is not installed."""
    found = {}
    debian = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]), reverse=True)
    for name in ("initdb", "pg_ctl", "postgres"):
        path = shutil.which(name) or next((f"{d}/{name}" for d in debian if os.path.exists(f"{d}/{name}")), None)
        if path is None:
            return None
        found[name] = path
    return found


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run_as() -> pwd.struct_passwd | None:
    """The user the server runs as when we are root; None when we are not root."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise RuntimeError("running as root and neither a 'postgres' nor a 'nobody' user exists")


@dataclass
class PgServer:
    root: Path
    port: int
    bins: dict[str, str]
    user: pwd.struct_passwd | None
    databases: list[str] = field(default_factory=list)

    @property
    def data(self) -> Path:
        return self.root / "data"

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{dbname}"

    def socket_url(self, dbname: str = "postgres") -> str:
        return f"postgresql://{SUPERUSER}@/{dbname}?host={self.root}&port={self.port}"

    def _cmd(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
        kw = {}
        if self.user is not None:
            kw = {"user": self.user.pw_uid, "group": self.user.pw_gid, "extra_groups": []}
        return subprocess.run(list(args), capture_output=True, text=True, timeout=timeout, cwd=self.root,
                              check=False, **kw)

    def create_database(self, prefix: str = "t") -> str:
        """A new empty database; its URL."""
        import psycopg

        name = f"{prefix}_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        self.databases.append(name)
        return self.url(name)

    def stop(self) -> None:
        self._cmd(self.bins["pg_ctl"], "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)


def start() -> PgServer:
    """initdb a fresh cluster in a new temporary folder and start it; raises with the server log on failure."""
    bins = find_binaries()
    if bins is None:
        raise FileNotFoundError("PostgreSQL binaries (initdb, pg_ctl) not found; install Debian's `postgresql`")
    # Not under pytest's tmp_path: that is mode 0700 for root, and the server may run as another user.
    root = Path(tempfile.mkdtemp(prefix="newsweave-pg-"))
    user = _run_as()
    if user is not None:
        os.chown(root, user.pw_uid, user.pw_gid)
    server = PgServer(root=root, port=_free_port(), bins=bins, user=user)
    init = server._cmd(bins["initdb"], "-D", str(server.data), "-U", SUPERUSER, "--auth=trust", "--no-locale",
                       "-E", "UTF8", "--no-sync")
    if init.returncode != 0:
        shutil.rmtree(root, ignore_errors=True)
        raise RuntimeError(f"initdb failed:\n{init.stdout}\n{init.stderr}")
    log = root / "server.log"
    for _attempt in range(3):  # the free port can be taken between probe and bind: retry on another
        opts = (f"-p {server.port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off"
                " -c full_page_writes=off -c synchronous_commit=off -c max_connections=50")
        started = server._cmd(bins["pg_ctl"], "-D", str(server.data), "-o", opts, "-l", str(log), "-w",
                              "-t", "60", "start", timeout=90)
        if started.returncode == 0:
            return server
        server.port = _free_port()
    text = log.read_text() if log.exists() else ""
    shutil.rmtree(root, ignore_errors=True)
    raise RuntimeError(f"PostgreSQL did not start:\n{started.stdout}\n{started.stderr}\n{text}")
