"""Processes a test starts (web nodes, Celery workers, honcho): one launcher for them all.

Each process gets the environment it is given and no other, writes its output to a file (a
full pipe would stall it), and is stopped as a deploy stops it: SIGTERM, then SIGKILL for one
that has not exited in time. Every log is printed at the end, which pytest shows when a test
fails."""

import os
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

STOP_SECONDS = 20


@dataclass
class Process:
    """A process started for a test, with the file its output goes to."""

    name: str
    popen: subprocess.Popen
    log: Path
    # Whether it leads a session of its own, as a terminal's foreground job does: signals then
    # go to its whole group (honcho and the processes it starts).
    session: bool = False

    def output(self) -> str:
        return self.log.read_text()

    def send_signal(self, signum: int) -> None:
        if self.popen.poll() is not None:
            return
        if self.session:
            os.killpg(self.popen.pid, signum)
        else:
            self.popen.send_signal(signum)

    def stop(self, timeout: float = STOP_SECONDS) -> int:
        """SIGTERM, then SIGKILL if it has not exited within `timeout`; its exit code."""
        self.send_signal(signal.SIGTERM)
        return self.wait_or_kill(timeout)

    def wait_or_kill(self, timeout: float) -> int:
        try:
            return self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.send_signal(signal.SIGKILL)
            return self.popen.wait()


class Launcher:
    """Starts processes in `cwd` with logs under `folder`; `stop_all()` ends those running."""

    def __init__(self, folder: Path, *, cwd: Path):
        self.folder, self.cwd = folder, cwd
        self.started: list[Process] = []

    def start(
        self, name: str, args: list[str], *, env: dict[str, str], session: bool = False
    ) -> Process:
        log = self.folder / f"{name}.log"
        with log.open("w") as output:
            popen = subprocess.Popen(
                args, cwd=self.cwd, env=env, stdout=output, stderr=subprocess.STDOUT,
                start_new_session=session,
            )  # fmt: skip
        self.started.append(Process(name, popen, log, session))
        return self.started[-1]

    def stop_all(self, timeout: float = STOP_SECONDS) -> None:
        for process in self.started:  # all at once: together they stop in one timeout
            process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for process in self.started:
            process.wait_or_kill(max(deadline - time.monotonic(), 0))
            print(f"--- {process.log.name} (exit {process.popen.returncode}) ---")  # noqa: T201
            print(process.output())  # noqa: T201
