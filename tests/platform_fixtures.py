"""Fixtures that start the reference platform on loopback, on SQLite or PostgreSQL.

PostgreSQL runs as a private cluster in a temporary folder, owned by the
``postgres`` system user when the tests run as root (initdb refuses root),
listening on 127.0.0.1 only. Test modules import the fixtures they use.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest
from sqlalchemy.engine import Engine

from platform_server import accounts, storage
from platform_server.app import ServerConfig, create_app
from platform_server.runner import ServerThread, free_port

PG_BIN_DIRS = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
PG_PORT = 54329


@dataclass
class Platform:
    url: str
    engine: Engine
    backend: str

    def owner_token(self, email: str, password: str = "correct horse") -> str:
        """Create an owner and pair a device for it through the device grant."""
        owner_id = accounts.create_owner(self.engine, email, password)
        grant = accounts.start_device_authorization(self.engine, "test-unit", 600, 0)
        assert accounts.decide_user_code(self.engine, grant.user_code, owner_id, True) == "approved"
        return accounts.exchange_device_code(self.engine, grant.device_code, "test-unit")


def _run_as_postgres(command: list[str], **kwargs: object) -> subprocess.CompletedProcess:
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    return subprocess.run(command, capture_output=True, text=True, timeout=60, **kwargs)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """URL of a private PostgreSQL cluster on 127.0.0.1, started for this session."""
    if not PG_BIN_DIRS:
        pytest.skip("PostgreSQL server binaries not found in /usr/lib/postgresql; "
                    "run ./dev setup to install Debian's postgresql package")
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root and there is no postgres user to run the server")
    bin_dir = PG_BIN_DIRS[0]
    # Not under pytest's temporary folder: its parents are private to root,
    # and the server runs as the postgres user.
    base = Path(tempfile.mkdtemp(prefix="headunit-postgres-"))
    data = base / "data"
    if os.geteuid() == 0:
        shutil.chown(base, "postgres")
        base.chmod(0o700)
    init = _run_as_postgres([str(bin_dir / "initdb"), "-D", str(data), "-A", "trust",
                             "-U", "platform", "--no-sync"])
    if init.returncode != 0:
        pytest.skip(f"initdb failed, PostgreSQL tests skipped: {init.stderr.strip()[-300:]}")
    port = PG_PORT if _port_free(PG_PORT) else free_port()
    options = f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={base} -c fsync=off"
    start = _run_as_postgres([str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options,
                              "-l", str(base / "server.log"), "-w", "-t", "30", "start"])
    if start.returncode != 0:
        log = (base / "server.log").read_text() if (base / "server.log").exists() else ""
        pytest.skip(f"PostgreSQL did not start: {start.stderr.strip()} {log[-300:]}")
    try:
        created = _run_as_postgres([str(bin_dir.parent / "bin" / "createdb"), "-h", "127.0.0.1",
                                    "-p", str(port), "-U", "platform", "platform"])
        if created.returncode != 0:
            createdb = shutil.which("createdb") or "createdb"
            _run_as_postgres([createdb, "-h", "127.0.0.1", "-p", str(port), "-U", "platform",
                              "platform"])
        yield f"postgresql://platform@127.0.0.1:{port}/platform"
    finally:
        _run_as_postgres([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"])
        shutil.rmtree(base, ignore_errors=True)


def _port_free(port: int) -> bool:
    import socket

    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def start_platform(database_url: str, backend: str, **config: object) -> Iterator[Platform]:
    engine = storage.connect(database_url)
    if backend == "postgresql":
        # One cluster serves the session: start each test on empty tables.
        storage.metadata.drop_all(engine)
        storage.metadata.create_all(engine)
    app = create_app(ServerConfig(database_url=database_url, **config), engine=engine)
    with ServerThread(app) as server:
        yield Platform(server.url, engine, backend)
    engine.dispose()


@pytest.fixture
def platform(tmp_path: Path) -> Iterator[Platform]:
    """The platform on SQLite, on a free loopback port."""
    yield from start_platform(f"sqlite:///{tmp_path / 'platform.db'}", "sqlite")


@pytest.fixture(params=["sqlite", "postgresql"])
def any_platform(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Platform]:
    """The platform on SQLite, then on PostgreSQL."""
    if request.param == "sqlite":
        yield from start_platform(f"sqlite:///{tmp_path / 'platform.db'}", "sqlite")
    else:
        url = request.getfixturevalue("postgres_url")
        yield from start_platform(url, "postgresql")


def wait_until(predicate, timeout_s: float = 10.0, step_s: float = 0.05) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step_s)
    return predicate()
