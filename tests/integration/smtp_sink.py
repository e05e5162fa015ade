"""A local SMTP server (aiosmtpd) that keeps or counts what it receives, for tests and benchmarks.

In a test, run it in a thread:

    with SmtpSink(refuse={"gone@example.com": (550, "5.1.1 No such user")}) as sink:
        ...  # EMAIL_URL = sink.url
        sink.messages  # [Received], in arrival order

As a process (the benchmark, or by hand): `python -m tests.integration.smtp_sink --count-only`
prints `READY <port>` once it listens and `COUNT <n>` when stopped with SIGTERM or Ctrl-C.

Faults are chosen per recipient address: `refuse` answers RCPT with a code every time,
`refuse_first` only for the first n tries (a temporary failure that heals), and `drop_first`
closes the connection instead of answering RCPT for the first n tries, and `stall` waits that
many seconds before answering the DATA of each message to that address (a slow session;
`stalls_done` counts those answered). One fault
is not per recipient: `close_421=(after, n)` answers the next n RCPTs after `after` accepted
messages with 421 and closes the connection, whoever they are for (a throttling provider).
"""

import argparse
import asyncio
import contextlib
import email
import email.policy
import signal
import socket
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.parser import BytesHeaderParser
from pathlib import Path

from aiosmtpd.controller import Controller

HOST = "127.0.0.1"


def free_port(host: str = HOST) -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes

    @property
    def message(self) -> EmailMessage:
        return email.message_from_bytes(self.data, policy=email.policy.default)


@dataclass
class SinkHandler:
    """aiosmtpd handler: the fault rules, then keep (or only count) each accepted message."""

    keep: bool = True
    folder: Path | None = None
    delay: float = 0.0
    refuse: dict[str, tuple[int, str]] = field(default_factory=dict)
    refuse_first: dict[str, tuple[int, str, int]] = field(default_factory=dict)
    drop_first: dict[str, int] = field(default_factory=dict)
    stall: dict[str, float] = field(default_factory=dict)
    stalls_done: int = 0
    close_421: tuple[int, int] | None = None
    closed_421: int = 0
    messages: list[Received] = field(default_factory=list)
    count: int = 0
    tries: Counter = field(default_factory=Counter)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        address = address.lower()
        self.tries[address] += 1
        if (
            self.close_421
            and self.count >= self.close_421[0]
            and (self.closed_421 < self.close_421[1])
        ):
            self.closed_421 += 1
            # Closed once the answer is written, as a server that says 421 does.
            asyncio.get_running_loop().call_soon(server.transport.close)
            return "421 4.7.0 Too many messages, closing connection"
        if self.tries[address] <= self.drop_first.get(address, 0):
            server.transport.abort()
            return "421 4.4.2 Connection dropped on purpose"
        if address in self.refuse:
            code, text = self.refuse[address]
            return f"{code} {text}"
        if address in self.refuse_first:
            code, text, times = self.refuse_first[address]
            if self.tries[address] <= times:
                return f"{code} {text}"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        stall = max((self.stall.get(address, 0.0) for address in envelope.rcpt_tos), default=0)
        if stall:
            await asyncio.sleep(stall)
        self.count += 1
        if self.keep:
            received = Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.content)
            self.messages.append(received)
        if self.folder is not None:
            (self.folder / f"{self.count:07d}.eml").write_bytes(envelope.content)
        if stall:
            self.stalls_done += 1  # after the message is kept: a test waiting on this sees it
        return "250 Message accepted for delivery"


class SmtpSink:
    """The handler behind an aiosmtpd server running in a thread on a free loopback port."""

    def __init__(self, *, port: int = 0, **handler_options):
        self.handler = SinkHandler(**handler_options)
        self.port = port or free_port()
        self.controller = Controller(self.handler, hostname=HOST, port=self.port)

    @property
    def url(self) -> str:
        return f"smtp://{HOST}:{self.port}"

    @property
    def messages(self) -> list[Received]:
        return self.handler.messages

    @property
    def count(self) -> int:
        return self.handler.count

    def recipients(self) -> Counter:
        """How many messages each address received, read from the To headers."""
        parser = BytesHeaderParser()  # headers only: a full parse costs ms per message
        return Counter(parser.parsebytes(r.data)["To"].lower() for r in list(self.messages))

    def start(self) -> "SmtpSink":
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    def __enter__(self) -> "SmtpSink":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    parser.add_argument("--delay", type=float, default=0.0, help="seconds to wait per message")
    parser.add_argument("--folder", type=Path, help="also write each message as a .eml file")
    parser.add_argument("--count-only", action="store_true", help="keep nothing in memory")
    options = parser.parse_args(argv)
    if options.folder:
        options.folder.mkdir(parents=True, exist_ok=True)
    sink = SmtpSink(
        port=options.port, keep=not options.count_only, folder=options.folder, delay=options.delay
    )
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    with sink:
        print(f"READY {sink.port}", flush=True)  # noqa: T201
        while not stop.is_set():
            time.sleep(0.2)
    print(f"COUNT {sink.count}", flush=True)  # noqa: T201


if __name__ == "__main__":
    with contextlib.suppress(BrokenPipeError):
        main(sys.argv[1:])
