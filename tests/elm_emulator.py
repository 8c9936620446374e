"""The ELM327-emulator package as a test peer, on a TCP port of loopback.

``Emulator`` starts ``elm`` in batch mode in its own process group and
working folder (it writes ``elm.log`` there), and keeps its standard input
open: the emulator runs each line it reads there as a Python statement,
which is how tests change its replies while it runs.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

ELM = Path(sys.executable).with_name("elm")

# The emulator's mode 03 and 07 replies leave out the DTC count byte that
# ISO 15765-4 cars send (ELM327-emulator 4.0: ``dtc_frames`` builds
# "43 01 43"), so python-OBD reads the first DTC byte as the count. The
# emulator is given the reply real cars send; test_emulator_mode03_count_byte
# fails when the emulator changes.
_REAL_CAR_DTC_REPLIES = (
    "import elm.obd_message as m\\n"
    "def dtc_reply(self, sid, stored):\\n"
    "    cleared = self.counters.get('cmd_dtc_cleared')\\n"
    "    codes = [] if cleared else [c for c in stored if c]\\n"
    "    pairs = [c[i:i + 2] for c in codes for i in (0, 2)]\\n"
    "    data = [sid, '%02X' % len(codes)] + pairs\\n"
    "    return m.iso_tp_frames(data, m.ECU_R_ADDR_E)\\n"
    "car = emulator.ObdMessage['car']\\n"
    "car['GET_DTC']['ResponseFooter'] = "
    "lambda self, cmd, pid, uc: dtc_reply(self, '43', m.DTC_STORED)\\n"
    "car['GET_CURRENT_DTC']['ResponseFooter'] = "
    "lambda self, cmd, pid, uc: dtc_reply(self, '47', m.DTC_PENDING)\\n"
    "emulator.set_sorted_obd_msg()"
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def writeln(text: str) -> str:
    """Return an emulator answer that prints ``text`` as one raw line."""
    return f"<writeln>{text}</writeln>"


class Emulator:
    """One ``elm`` process serving ``socket://127.0.0.1:PORT``, or a pty.

    With ``pty=True`` the emulator opens a pseudo-terminal and ``url`` is
    its device path, as a serial adapter's would be.
    """

    def __init__(
        self,
        workdir: Path,
        port: int | None = None,
        real_car_dtc_replies: bool = True,
        pty: bool = False,
    ) -> None:
        self.workdir = workdir
        self.pty = pty
        self.pty_path: str | None = None
        self.port = port or free_port()
        self.real_car_dtc_replies = real_car_dtc_replies
        self.process: subprocess.Popen[str] | None = None
        self.batch = workdir / "batch.txt"

    @property
    def url(self) -> str:
        if self.pty:
            assert self.pty_path is not None, "start the emulator first"
            return self.pty_path
        return f"socket://127.0.0.1:{self.port}"

    def start(self) -> "Emulator":
        if not ELM.exists() and shutil.which("elm") is None:
            raise RuntimeError(
                "the ELM327-emulator package is not installed: run ./dev setup"
            )
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.batch.write_text("")
        transport = [] if self.pty else ["-n", str(self.port)]
        self.process = subprocess.Popen(
            [str(ELM), "-s", "car", *transport, "-b", str(self.batch)],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=self.workdir,
            start_new_session=True,
            text=True,
        )
        deadline = time.monotonic() + 15
        while not self._ready():
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise RuntimeError(
                    f"the ELM327 emulator did not start: {self.batch.read_text()}"
                )
            time.sleep(0.05)
        if self.pty:
            # Batch mode prints the pty's path as its first line.
            self.pty_path = self.batch.read_text().splitlines()[0].strip()
        self.set_voltage(14.2)
        if self.real_car_dtc_replies:
            self.run(_REAL_CAR_DTC_REPLIES)
        return self

    def run(self, statement: str) -> str:
        """Run a Python statement in the emulator; return what it printed."""
        assert self.process is not None and self.process.stdin is not None
        marker = uuid.uuid4().hex
        before = len(self.batch.read_text())
        self.process.stdin.write(statement + "\n" + f"echo {marker}\n")
        self.process.stdin.flush()
        deadline = time.monotonic() + 10
        while True:
            text = self.batch.read_text()
            if marker in text[before:]:
                output = text[before : text.index(marker, before)]
                if "Error executing command" in output:
                    raise RuntimeError(f"emulator rejected {statement!r}: {output}")
                return output
            if time.monotonic() > deadline:
                raise RuntimeError(f"emulator did not run {statement!r}")
            time.sleep(0.02)

    def answer(self, pid: str, response: str) -> None:
        """Make the emulator answer requests of ``pid`` with ``response``."""
        self.run(f"emulator.answer[{pid!r}] = {response!r}")

    def set_voltage(self, volts: float) -> None:
        """Make ``ATRV`` read ``volts``; by default the emulator cycles 13.0-13.9 V."""
        for pid in ("AT_R_VOLT", "ELM_VOLTAGE"):
            self.answer(pid, writeln(f"{volts:.1f}V"))

    def forget(self, pid: str) -> None:
        self.run(f"emulator.answer.pop({pid!r}, None)")

    def stop(self) -> None:
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)
        self.process = None

    def _ready(self) -> bool:
        if "Begin batch" not in self.batch.read_text():
            return False
        return self.pty or self._listening()

    def _listening(self) -> bool:
        suffix = f":{self.port:04X}"
        for table in ("/proc/net/tcp", "/proc/net/tcp6"):
            try:
                lines = Path(table).read_text().splitlines()[1:]
            except OSError:
                continue
            for line in lines:
                fields = line.split()
                if fields[1].endswith(suffix) and fields[3] == "0A":
                    return True
        return False
