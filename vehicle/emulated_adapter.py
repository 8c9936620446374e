"""An ELM327 adapter that a scenario can unplug: the ELM327-emulator on a pty.

The emulator (PyPI package ``ELM327-emulator``, a test dependency) opens
a new pseudo-terminal each time it starts. The head unit therefore reaches
it through a symbolic link at a fixed path, as udev gives a USB adapter a
fixed name under /dev/serial/by-id. Unplugging ends the emulator process
group and removes the link, so the open port fails and reopening the path
fails until the adapter is plugged in again.
"""

from __future__ import annotations

import logging
import os
import queue
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

logger = logging.getLogger(__name__)

#: The emulator's bundled scenario that replies like a running car.
DEFAULT_EMULATOR_SCENARIO = "car"
#: Maximum wait for the emulator to print its pty, in seconds. It usually
#: starts in well under a second, and the margin covers a loaded machine.
START_TIMEOUT_S = 15.0


class AdapterError(RuntimeError):
    """The emulated adapter could not be started."""


class EmulatedAdapter:
    """The ELM327-emulator on a pty, reachable at the symbolic link ``link``.

    ``plug_in`` and ``unplug`` act at once and block. ``request`` queues
    the same actions for a worker thread, so the CAN simulator that calls
    it keeps its pace while the emulator starts. ``close`` unplugs it.
    """

    def __init__(self, link: Path, emulator_scenario: str = DEFAULT_EMULATOR_SCENARIO) -> None:
        self.link = Path(link)
        self.emulator_scenario = emulator_scenario
        #: Times the adapter was plugged in and unplugged since the start.
        self.plug_ins = 0
        self.unplugs = 0
        self._process: subprocess.Popen[bytes] | None = None
        self._workdir: tempfile.TemporaryDirectory[str] | None = None
        self._requests: queue.Queue[bool | None] = queue.Queue()
        self._worker: threading.Thread | None = None
        # Reentrant, because a failed start unplugs while plugging in.
        self._lock = threading.RLock()

    @property
    def plugged(self) -> bool:
        process = self._process
        return process is not None and process.poll() is None

    def plug_in(self) -> None:
        """Start the emulator and point ``link`` at its pty.

        Raises ``AdapterError`` when the emulator exits or prints no pty.
        """
        with self._lock:
            if self.plugged:
                return
            self._workdir = tempfile.TemporaryDirectory(prefix="headunit-elm-")
            batch = Path(self._workdir.name) / "batch.txt"
            batch.write_text("")
            # The emulator writes elm.log into its working folder.
            self._process = subprocess.Popen(
                [sys.executable, "-m", "elm", "-s", self.emulator_scenario, "-b", str(batch)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                cwd=self._workdir.name,
                start_new_session=True,
            )
            try:
                pty = self._wait_for_pty(batch)
            except AdapterError:
                self.unplug()
                raise
            temporary = self.link.with_name(self.link.name + ".new")
            temporary.unlink(missing_ok=True)
            temporary.symlink_to(pty)
            # rename replaces the link atomically, so a reader never sees
            # a half-made one.
            temporary.replace(self.link)
            self.plug_ins += 1
        logger.info("emulated OBD-II adapter plugged in at %s (%s)", self.link, pty)

    def unplug(self) -> None:
        """Remove ``link`` and end the emulator, as pulling the adapter out would."""
        with self._lock:
            self.link.unlink(missing_ok=True)
            process, self._process = self._process, None
            if process is None:
                return
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            process.wait(5)
            if self._workdir is not None:
                self._workdir.cleanup()
                self._workdir = None
            self.unplugs += 1
        logger.info("emulated OBD-II adapter unplugged from %s", self.link)

    def request(self, plugged: bool) -> None:
        """Queue a plug-in (True) or an unplug (False) for the worker thread."""
        if self._worker is None:
            self._worker = threading.Thread(
                target=self._work, name="emulated-adapter", daemon=True
            )
            self._worker.start()
        self._requests.put(plugged)

    def close(self) -> None:
        """Stop the worker thread and unplug the adapter."""
        if self._worker is not None:
            self._requests.put(None)
            self._worker.join(START_TIMEOUT_S + 5)
            self._worker = None
        self.unplug()

    def _work(self) -> None:
        while True:
            plugged = self._requests.get()
            if plugged is None:
                return
            try:
                if plugged:
                    self.plug_in()
                else:
                    self.unplug()
            except (AdapterError, OSError) as error:
                logger.error("emulated OBD-II adapter at %s failed: %s", self.link, error)

    def _wait_for_pty(self, batch: Path) -> str:
        assert self._process is not None
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            lines = batch.read_text(errors="replace").splitlines()
            # Batch mode prints the pty path first, then "Begin batch".
            if lines and any("Begin batch" in line for line in lines):
                return lines[0].strip()
            if self._process.poll() is not None:
                raise AdapterError(
                    f"the ELM327 emulator exited with code {self._process.returncode}. "
                    "Check that the ELM327-emulator package is installed "
                    "(pip install '.[test]')"
                )
            if time.monotonic() > deadline:
                raise AdapterError(
                    f"the ELM327 emulator printed no pty within {START_TIMEOUT_S:g} s"
                )
            time.sleep(0.02)
