"""Newsletter benchmark: the real Celery worker sending an issue, against a bare smtplib loop.

    make bench-newsletter                                      # 100,000 subscribers
    make bench-newsletter BENCH_ARGS="--subscribers 5000"      # a quick run
    .venv/bin/python -m bench.newsletter_bench --subscribers 20000 --pool prefork --concurrency 2
    .venv/bin/python -m bench.newsletter_bench --workers 1,2     # 1 vs 2 worker processes

Needs PostgreSQL and Redis. DATABASE_URL (default postgres://postgres@127.0.0.1:5432/runsite_bench)
names a database of its own: it is created if missing, migrated, and its newsletter tables are
emptied on every run. REDIS_URL (default redis://127.0.0.1:6379/5) is the broker. Production
settings (runsite.settings.prod, DEBUG off) are used by this script and by the worker.

What it measures, in one run, into one aiosmtpd sink (a subprocess that only counts):
  (a) baseline: one process, one reused smtplib connection, sending the issue to the first
      --baseline-messages subscribers. Each message is built in the loop exactly as the worker
      builds it (render_issue once, then message_for(subscriber) and the MIME bytes), so the
      rate is "build + send". The send-only rate of pre-built bytes is shown for reference.
  (b) the real thing: `celery -A runsite worker` (queues celery,emails) sending the issue to
      every subscriber after services.sending.request_send, until the issue is "sent". The rate
      is sent messages over the time from the first to the last delivery's sent_at (the wall
      time including preparing the Delivery rows is shown too).
The worker's resident memory (VmRSS of the worker and its children) is sampled every 0.5 s:
peak, and at 10% and 90% of the send, to show it does not grow with the number of subscribers.

With --workers 1,2, (b) is measured once per count, one after the other in this run: that many
separate worker processes with node names of their own, all consuming the same queues, send a
fresh issue to the same subscribers into the same sink (the previous send's deliveries are
emptied first). NEWSLETTER_SENDERS, the batch chains one send runs, is set for the workers to at
least the largest count, or some workers would have nothing to do; every count runs with the
same value. The table gives each count's rate and its ratio to the first count's.
"""

import argparse
import os
import signal
import smtplib
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from .common import configure_environment, cpu_seconds, create_database, process_family

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/runsite_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/5"
SITE_URL = "https://runtowardbalance.example"


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=100_000)
    parser.add_argument(
        "--baseline-messages",
        type=int,
        default=10_000,
        help="messages the smtplib baseline sends (at most --subscribers); its rate is steady",
    )
    parser.add_argument("--pool", choices=["solo", "prefork"], default="solo")
    parser.add_argument("--concurrency", type=int, default=1, help="prefork processes")
    parser.add_argument("--batch-size", type=int, default=None, help="NEWSLETTER_BATCH_SIZE")
    parser.add_argument("--senders", type=int, default=None, help="NEWSLETTER_SENDERS")
    parser.add_argument(
        "--workers",
        type=_counts,
        default=None,
        help="compare sends by this many worker processes each, e.g. 1,2 (see above)",
    )
    return parser.parse_args(argv)


def _counts(text: str) -> list[int]:
    try:
        counts = [int(part) for part in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a list of counts: {text!r}") from None
    if min(counts) < 1 or len(set(counts)) != len(counts):
        raise argparse.ArgumentTypeError(f"distinct counts of 1 or more: {text!r}")
    return counts


# --- Processes ---------------------------------------------------------------------------------


def start_sink() -> tuple[subprocess.Popen, int]:
    sink = subprocess.Popen(
        [sys.executable, "-m", "tests.integration.smtp_sink", "--count-only"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    line = sink.stdout.readline().split()
    if line[:1] != ["READY"]:
        sink.kill()
        raise SystemExit(f"the SMTP sink did not start: {line}")
    return sink, int(line[1])


def stop_sink(sink: subprocess.Popen) -> int:
    sink.send_signal(signal.SIGTERM)
    output, _ = sink.communicate(timeout=20)
    counts = [line.split()[1] for line in output.splitlines() if line.startswith("COUNT")]
    return int(counts[-1]) if counts else -1


def rss_kib(pid: int) -> int:
    """Resident memory of a process and all its descendants, in KiB (from /proc)."""
    return sum(_status_kib(member, "VmRSS") for member in process_family(pid))


def _status_kib(pid: int, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class Sampler(threading.Thread):
    """Every 0.5 s: the workers' RSS (together) and how many deliveries are sent."""

    def __init__(self, pids: list[int], issue_id: int):
        super().__init__(daemon=True)
        self.pids, self.issue_id = pids, issue_id
        self.samples: list[tuple[float, int, int]] = []  # (seconds, rss KiB, sent)
        self.stop = threading.Event()

    def run(self):
        from django.db import connection

        from newsletter.models import Delivery

        started = time.monotonic()
        try:
            while not self.stop.is_set():
                sent = Delivery.objects.filter(
                    issue_id=self.issue_id, status=Delivery.Status.SENT
                ).count()
                rss = sum(rss_kib(pid) for pid in self.pids)
                self.samples.append((time.monotonic() - started, rss, sent))
                self.stop.wait(0.5)
        finally:
            connection.close()

    def rss_at(self, fraction: float, total: int) -> int:
        for _, rss, sent in self.samples:
            if sent >= fraction * total:
                return rss
        return 0


# --- Setup -------------------------------------------------------------------------------------


def prepare_data(subscribers: int):
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from newsletter.models import Subscriber

    call_command("migrate", interactive=False, verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE newsletter_delivery, newsletter_seriesdelivery, newsletter_issuearticle,"
            " newsletter_issue, newsletter_subscriber"
        )
    now = timezone.now()
    chunk = 10_000
    for start in range(0, subscribers, chunk):
        Subscriber.objects.bulk_create(
            Subscriber(
                email=f"runner{n:07d}@example.com",
                status=Subscriber.Status.CONFIRMED,
                confirmed_at=now,
                consent_at=now,
                consent_source="benchmark",
            )
            for n in range(start, min(subscribers, start + chunk))
        )
    return create_issue()


def create_issue(articles=None):
    """The issue to send, with three articles (new ones, or the given ones again)."""
    from newsletter.models import Issue, IssueArticle
    from tests.articles.factories import ArticleFactory

    issue = Issue.objects.create(
        subject="Week 12: easy miles",
        preheader="Why slow is the fast way to get fit",
        intro="Hello **runners**. This week: run-walk intervals, rest days and *easy* pace.\n\n"
        "- Jog 60 s, walk 90 s\n- Three times a week\n- Fifteen minutes in all",
        closing="See you out there. Reply to this email if anything is unclear.",
    )
    if articles is None:
        stamp = int(time.time())
        articles = [
            ArticleFactory(slug=f"bench-{stamp}-{order}", title=f"Easy miles, part {order}")
            for order in range(3)
        ]
    for order, article in enumerate(articles):
        IssueArticle.objects.create(issue=issue, article=article, order=order)
    return issue


def next_issue(issue):
    """A fresh issue like `issue` for the next send, with the deliveries table empty again, so
    every send starts from the same tables."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE newsletter_delivery")
    articles = [
        link.article for link in issue.issue_articles.select_related("article").order_by("order")
    ]
    return create_issue(articles)


# --- The two measurements ----------------------------------------------------------------------


def run_baseline(issue, port: int, count: int) -> dict:
    from django.conf import settings

    from newsletter.models import Subscriber
    from newsletter.services.emails import render_issue

    subscribers = list(Subscriber.objects.for_newsletter().order_by("pk")[:count])
    connection = smtplib.SMTP("127.0.0.1", port)
    started = time.perf_counter()
    rendered = render_issue(issue)
    for subscriber in subscribers:
        message = rendered.message_for(subscriber)
        data = message.message().as_bytes(linesep="\r\n")
        connection.sendmail(settings.DEFAULT_FROM_EMAIL, [subscriber.email], data)
    build_and_send = time.perf_counter() - started

    prebuilt = [
        (subscriber.email, rendered.message_for(subscriber).message().as_bytes(linesep="\r\n"))
        for subscriber in subscribers[:2000]
    ]
    started = time.perf_counter()
    for address, data in prebuilt:
        connection.sendmail(settings.DEFAULT_FROM_EMAIL, [address], data)
    send_only = time.perf_counter() - started
    connection.quit()
    return {
        "messages": len(subscribers),
        "seconds": build_and_send,
        "rate": len(subscribers) / build_and_send,
        "send_only_rate": len(prebuilt) / send_only,
        "sent_extra": len(prebuilt),
    }


def run_workers(issue, options, log_paths: list[Path], senders: int | None = None) -> dict:
    """Start one worker process per log path, send `issue` through them, stop them."""
    from django.db.models import Max, Min

    from newsletter.models import Issue
    from newsletter.services import sending

    env = dict(os.environ)
    if options.batch_size:
        env["NEWSLETTER_BATCH_SIZE"] = str(options.batch_size)
    if senders or options.senders:
        env["NEWSLETTER_SENDERS"] = str(senders or options.senders)
    names, workers = [], []
    for number, log_path in enumerate(log_paths):
        # A node name of its own (never %h alone), so each answers the readiness ping apart.
        suffix = f"-{number + 1}" if len(log_paths) > 1 else ""
        name = f"bench-{os.getpid()}{suffix}@{socket.gethostname()}"
        command = [
            sys.executable, "-m", "celery", "-A", "runsite", "worker",
            "--queues=celery,emails", f"--pool={options.pool}", "--loglevel=WARNING",
            "--without-gossip", "--without-mingle", "--hostname", name,
        ]  # fmt: skip
        if options.pool == "prefork":
            command.append(f"--concurrency={options.concurrency}")
        with log_path.open("w") as log:
            workers.append(
                subprocess.Popen(  # noqa: S603 (fixed arguments, no user input)
                    command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
                )
            )
        names.append(name)
    try:
        # Every worker connected before the send starts, so the wall time is the send's, and
        # a second worker does not join a send half done.
        wait_until_ready(names, workers, log_paths)
        sampler = Sampler([worker.pid for worker in workers], issue.pk)
        sampler.start()
        started = time.perf_counter()
        sending.request_send(issue=issue)
        while Issue.objects.values_list("status", flat=True).get(pk=issue.pk) != "sent":
            for worker, log_path in zip(workers, log_paths, strict=True):
                if worker.poll() is not None:
                    raise SystemExit(f"a worker exited; see {log_path}")
            time.sleep(0.5)
        wall = time.perf_counter() - started
        sampler.stop.set()
        sampler.join()
        peak_hwm = max(_status_kib(worker.pid, "VmHWM") for worker in workers)
        # Whether every worker took its share: CPU time each used, start-up included.
        cpu = [cpu_seconds(worker.pid) for worker in workers]
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for worker in workers:
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
    progress = sending.progress(issue)
    times = issue.deliveries.filter(status="sent").aggregate(
        first=Min("sent_at"), last=Max("sent_at")
    )
    sending_seconds = (times["last"] - times["first"]).total_seconds()
    return {
        "progress": progress,
        "wall": wall,
        "sending_seconds": sending_seconds,
        "rate": progress["sent"] / sending_seconds if sending_seconds else 0.0,
        "peak_rss": max(rss for _, rss, _ in sampler.samples),
        "rss_10": sampler.rss_at(0.1, progress["sent"]),
        "rss_90": sampler.rss_at(0.9, progress["sent"]),
        "main_hwm": peak_hwm,
        "cpu": cpu,
    }


def wait_until_ready(names: list[str], workers: list, log_paths: list[Path]) -> None:
    """Until every named worker answers Celery's ping (60 s at most)."""
    from runsite.celery import app

    deadline = time.monotonic() + 60
    waiting = set(names)
    while waiting:
        for worker, log_path in zip(workers, log_paths, strict=True):
            if worker.poll() is not None:
                raise SystemExit(f"a worker exited while starting; see {log_path}")
        if time.monotonic() > deadline:
            raise SystemExit(f"no answer from {', '.join(sorted(waiting))} in 60 s")
        for reply in app.control.ping(destination=sorted(waiting), timeout=1.0):
            waiting -= reply.keys()


def print_worker_line(worker: dict, label: str) -> None:
    progress = worker["progress"]
    print(  # noqa: T201
        f"{label}: {progress['sent']:,} sent, {progress['failed']} failed, "
        f"{progress['queued'] + progress['sending']} left; first to last delivery "
        f"{worker['sending_seconds']:.1f} s = {worker['rate']:.0f} msg/s "
        f"(request to 'sent', incl. preparing rows: {worker['wall']:.1f} s)",
        flush=True,
    )


def print_scale_table(results: dict[int, dict], baseline: dict) -> None:
    out = sys.stdout.write
    first = next(iter(results))
    out(
        f"\n| worker processes | sent | first to last, s | msg/s | / {first} worker"
        f"{'s' if first > 1 else ''} | / baseline | peak RSS, all workers | CPU s, each |\n"
        "|---:|---:|---:|---:|---:|---:|---:|---:|\n"
    )
    for count, worker in results.items():
        scale = worker["rate"] / results[first]["rate"] if results[first]["rate"] else 0.0
        out(
            f"| {count} | {worker['progress']['sent']:,} | {worker['sending_seconds']:.1f} | "
            f"{worker['rate']:,.0f} | {scale:.2f} | {worker['rate'] / baseline['rate']:.2f} | "
            f"{worker['peak_rss'] / 1024:.0f} MiB | "
            f"{' / '.join(f'{seconds:.1f}' for seconds in worker['cpu'])} |\n"
        )
    out(
        f"| baseline: bare smtplib, one process | {baseline['messages']:,} | "
        f"{baseline['seconds']:.1f} | {baseline['rate']:,.0f} | | 1.00 | | |\n"
    )


def main(argv=None) -> None:
    options = parse_args(argv)
    sys.path.insert(0, str(ROOT))
    sink, port = start_sink()
    try:
        configure_environment(
            database_url=DEFAULT_DATABASE_URL,
            redis_url=DEFAULT_REDIS_URL,
            site_url=SITE_URL,
            settings="runsite.settings.prod",
        )
        os.environ["EMAIL_URL"] = f"smtp://127.0.0.1:{port}"
        create_database()
        import django

        django.setup()
        from django.conf import settings

        pool = options.pool + (f" x{options.concurrency}" if options.pool == "prefork" else "")
        batch = options.batch_size or settings.NEWSLETTER_BATCH_SIZE
        senders = options.senders or settings.NEWSLETTER_SENDERS
        if options.workers:
            senders = options.senders or max(senders, *options.workers)
            counts = ", ".join(str(count) for count in options.workers)
            print(  # noqa: T201
                f"Newsletter benchmark, scale: {options.subscribers:,} confirmed subscribers sent "
                f"by {counts} worker processes in turn (separate processes, node names of their "
                f"own, each pool {pool}, all consuming celery,emails); batch {batch}; "
                f"NEWSLETTER_SENDERS={senders} for every count, set through the workers' "
                f"environment (batch chains per send; at least the largest count, so every "
                f"worker has one); sink on port {port}\n"
                f"Machine: {os.cpu_count()} cores, shared by the workers, the sink, PostgreSQL, "
                f"Redis and this script: a second worker adds a process, not a core.",
                flush=True,
            )
        else:
            print(  # noqa: T201
                f"Newsletter benchmark: {options.subscribers:,} confirmed subscribers; worker "
                f"pool {pool}; batch {batch}, {senders} senders; sink on port {port}",
                flush=True,
            )
        started = time.perf_counter()
        issue = prepare_data(options.subscribers)
        print(f"  data ready in {time.perf_counter() - started:.1f} s", flush=True)  # noqa: T201

        baseline = run_baseline(issue, port, min(options.baseline_messages, options.subscribers))
        print(  # noqa: T201
            f"(a) baseline, bare smtplib over one connection, building each MIME message as the "
            f"worker does: {baseline['messages']:,} messages in {baseline['seconds']:.1f} s = "
            f"{baseline['rate']:.0f} msg/s (send-only of pre-built bytes: "
            f"{baseline['send_only_rate']:.0f} msg/s)",
            flush=True,
        )
        log_folder = Path(tempfile.gettempdir())
        if options.workers:
            results = {}
            for index, count in enumerate(options.workers):
                if index:
                    issue = next_issue(issue)
                log_paths = [
                    log_folder / f"newsletter-bench-worker-{os.getpid()}-{count}x{number}.log"
                    for number in range(1, count + 1)
                ]
                results[count] = run_workers(issue, options, log_paths, senders=senders)
                print_worker_line(
                    results[count], f"(b) {count} worker process{'es' if count > 1 else ''}"
                )
            print_scale_table(results, baseline)
            sent = sum(result["progress"]["sent"] for result in results.values())
            expected = baseline["messages"] + baseline["sent_extra"] + sent
        else:
            log_path = log_folder / f"newsletter-bench-worker-{os.getpid()}.log"
            worker = run_workers(issue, options, [log_path])
            print_worker_line(worker, "(b) real worker")
            print(  # noqa: T201
                f"ratio worker/baseline: {worker['rate'] / baseline['rate']:.2f} (target >= 0.80)"
            )
            print(  # noqa: T201
                f"worker memory (RSS incl. children): peak {worker['peak_rss'] / 1024:.0f} MiB, "
                f"at 10% {worker['rss_10'] / 1024:.0f} MiB, at 90% {worker['rss_90'] / 1024:.0f} "
                f"MiB; main process VmHWM {worker['main_hwm'] / 1024:.0f} MiB"
            )
            expected = baseline["messages"] + baseline["sent_extra"] + worker["progress"]["sent"]
    finally:
        received = stop_sink(sink)
    print(f"sink received {received:,} messages (expected {expected:,})")  # noqa: T201


if __name__ == "__main__":
    main()
