"""sd_notify and the journal: the test binds the sockets systemd would own."""

from __future__ import annotations

import logging
import socket
import struct
import time
from pathlib import Path
from typing import Iterator

import pytest

from headunit import journal, watchdog


@pytest.fixture
def notify_socket(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[socket.socket]:
    """systemd's end of $NOTIFY_SOCKET: a unix datagram socket the test reads."""
    path = tmp_path / "notify"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    server.bind(str(path))
    server.settimeout(2)
    monkeypatch.setenv("NOTIFY_SOCKET", str(path))
    monkeypatch.setenv("WATCHDOG_USEC", "4000000")
    monkeypatch.delenv("WATCHDOG_PID", raising=False)
    watchdog.reset()
    yield server
    watchdog.reset()
    server.close()


def receive_all(server: socket.socket, timeout: float = 0.2) -> list[str]:
    messages = []
    server.settimeout(timeout)
    while True:
        try:
            messages.append(server.recv(4096).decode())
        except (TimeoutError, socket.timeout):
            return messages


def test_first_ping_sends_ready(notify_socket: socket.socket) -> None:
    watchdog.ping()
    watchdog.ping()
    assert receive_all(notify_socket) == ["READY=1", "WATCHDOG=1", "WATCHDOG=1"]


def test_interval_is_half_timeout(notify_socket: socket.socket) -> None:
    assert watchdog.ping_interval_ms() == 2000


def test_ready_status_and_stopping(notify_socket: socket.socket) -> None:
    notifier = watchdog.notifier()
    notifier.ready("drive screen shown")
    notifier.ready("sent only once")
    notifier.status("syncing\nsecond line dropped")
    watchdog.stopping()
    assert receive_all(notify_socket) == [
        "READY=1\nSTATUS=drive screen shown",
        "STATUS=syncing",
        "STOPPING=1",
    ]


def test_abstract_socket_address(monkeypatch: pytest.MonkeyPatch) -> None:
    name = f"headunit-test-{time.monotonic_ns()}"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    server.bind("\0" + name)
    try:
        notifier = watchdog.Notifier("@" + name)
        assert notifier.send("WATCHDOG=1")
        server.settimeout(2)
        assert server.recv(64) == b"WATCHDOG=1"
        notifier.close()
    finally:
        server.close()


def test_no_socket_does_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NOTIFY_SOCKET", raising=False)
    monkeypatch.delenv("WATCHDOG_USEC", raising=False)
    watchdog.reset()
    try:
        watchdog.ping()
        assert not watchdog.notifier().enabled
        assert watchdog.ping_interval_ms() == watchdog.DEFAULT_PING_INTERVAL_MS
    finally:
        watchdog.reset()


def test_other_process_watchdog_ignored(
    notify_socket: socket.socket, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WATCHDOG_PID", "1")
    watchdog.reset()
    assert watchdog.notifier().watchdog_usec is None


def test_vanished_socket_never_raises(
    notify_socket: socket.socket, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "notify").unlink()
    with caplog.at_level(logging.WARNING, logger="headunit.watchdog"):
        for _ in range(5):
            watchdog.ping()
    warnings = [r for r in caplog.records if "sd_notify" in r.getMessage()]
    assert len(warnings) == 1


def test_qt_timer_pings_only_while_loop_runs(notify_socket: socket.socket, qapp) -> None:
    """The UI's QTimer stops pinging while the event loop is blocked."""
    from PySide6.QtCore import QEventLoop, QTimer

    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(watchdog.ping)
    timer.start()
    loop = QEventLoop()
    QTimer.singleShot(200, loop.quit)
    loop.exec()
    alive = receive_all(notify_socket, timeout=0.05)
    assert alive[0] == "READY=1"
    assert alive.count("WATCHDOG=1") >= 3

    time.sleep(0.3)  # the UI thread is frozen: no event loop, no timer
    frozen = receive_all(notify_socket, timeout=0.05)
    timer.stop()
    assert frozen == []


@pytest.fixture
def journal_socket(tmp_path: Path) -> Iterator[socket.socket]:
    path = tmp_path / "journal"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    server.bind(str(path))
    server.settimeout(2)
    yield server
    server.close()


def parse_fields(datagram: bytes) -> dict[str, str]:
    """Decode the journal's native format, both plain and length-prefixed fields."""
    fields = {}
    rest = datagram
    while rest:
        line, newline, after = rest.partition(b"\n")
        if b"=" in line:
            name, _, value = line.partition(b"=")
            fields[name.decode()] = value.decode()
            rest = after
        else:
            (length,) = struct.unpack("<Q", after[:8])
            fields[line.decode()] = after[8 : 8 + length].decode()
            rest = after[8 + length + 1 :]
    return fields


def test_journal_fields_and_message_id(
    journal_socket: socket.socket, tmp_path: Path
) -> None:
    handler = journal.JournalHandler(tmp_path / "journal")
    logger = logging.getLogger("headunit.test_journal")
    logger.addHandler(handler)
    logger.propagate = False
    logger.setLevel(logging.INFO)
    try:
        logger.error(
            "configuration error: %s", "bad key",
            extra={"message_id": journal.MESSAGE_ID_CONFIG_ERROR},
        )
        logger.info("two\nlines")
    finally:
        logger.removeHandler(handler)
        handler.close()
    first = parse_fields(journal_socket.recv(65536))
    second = parse_fields(journal_socket.recv(65536))
    assert first["MESSAGE"] == "configuration error: bad key"
    assert first["MESSAGE_ID"] == journal.MESSAGE_ID_CONFIG_ERROR
    assert first["SYSLOG_IDENTIFIER"] == "headunit"
    assert first["PRIORITY"] == "3"
    assert first["LOGGER"] == "headunit.test_journal"
    assert second["MESSAGE"] == "two\nlines"
    assert second["PRIORITY"] == "6"
    assert "MESSAGE_ID" not in second


def test_message_ids_are_distinct_uuids() -> None:
    ids = {journal.MESSAGE_ID_START, journal.MESSAGE_ID_STOP, journal.MESSAGE_ID_CONFIG_ERROR}
    assert len(ids) == 3
    for message_id in ids:
        assert len(message_id) == 32
        int(message_id, 16)
