"""Scale benchmark: how throughput grows from 1 to 2 nodes, for pages and for a newsletter send.

    make bench-scale                                              # pages, then 100,000 emails
    make bench-scale BENCH_ARGS="--subscribers 5000 --seconds 3"  # a quick run
    make bench-scale BENCH_ARGS="--only web"                      # pages only

Needs PostgreSQL, Redis, and Debian's wrk and nginx, like bench/site_bench.py. It uses
databases of its own, runsite_scale_web and runsite_scale_newsletter (created if missing), Redis
database 6 for the pages' cache (flushed) and 7 as the newsletter's broker.

Pages: the article with 200 comments that site_bench builds, through nginx running
deploy/nginx/runsite.conf.template with an upstream of 1 node and then of 2 (round-robin), each
node a gunicorn process with the same number of sync workers (--node-workers, default 1, so the
comparison is nodes, not workers). Every request carries an Authorization header, which the
template's micro-cache bypasses: otherwise nginx would answer and the nodes would not matter.
Two rows: "page cache" (Django's Redis page cache on, as anonymous readers get it when nginx
has no copy) and "rendered" (page cache off, as a member's request). Rows are interleaved, one
of each per round, in alternating order; the median round counts, as in site_bench.

Newsletter: bench/newsletter_bench.py --workers 1,2 (one send with 1 worker process, a fresh
one with 2), in a process of its own, against its bare smtplib baseline.

Every process runs on this one machine: wrk, nginx, the nodes, the workers, the SMTP sink,
PostgreSQL and Redis share its cores. A second node adds a process, not a core, so on 2 cores
the ratio cannot reach 2; it shows how much of the machine one node leaves unused.
"""

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

from . import nginx
from .common import cpu_seconds
from .site_bench import (
    COMMENTS,
    Row,
    fetch,
    free_port,
    machine,
    prepare_pages,
    run_wrk,
    start_gunicorn,
)

ROOT = Path(__file__).resolve().parents[1]
POSTGRES = "postgres://postgres@127.0.0.1:5432"
WEB_DATABASE_URL = f"{POSTGRES}/runsite_scale_web"
NEWSLETTER_DATABASE_URL = f"{POSTGRES}/runsite_scale_newsletter"
WEB_REDIS_URL = "redis://127.0.0.1:6379/6"
NEWSLETTER_REDIS_URL = "redis://127.0.0.1:6379/7"
# The uploads of the web database, kept beside it from run to run (see site_bench).
MEDIA_ROOT = ROOT / "var" / "bench-scale-media"
# Any Authorization header makes the template's micro-cache step aside (proxy_cache_bypass,
# proxy_no_cache); Django reads none, so the page cache still serves these requests.
BYPASS = {"Authorization": "Bearer scale-benchmark"}
NODES = (1, 2)


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["web", "newsletter"], help="run one part only")
    parser.add_argument("--seconds", type=int, default=5, help="measured seconds per wrk row")
    parser.add_argument("--warmup", type=int, default=1, help="unmeasured seconds per wrk row")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of interleaved rows")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--node-workers", type=int, default=1, help="gunicorn workers per node")
    parser.add_argument("--subscribers", type=int, default=100_000)
    parser.add_argument(
        "--baseline-messages", type=int, default=10_000, help="the smtplib baseline's messages"
    )
    parser.add_argument("--keep", action="store_true", help="keep the work folder and logs")
    return parser.parse_args(argv)


# --- Pages -------------------------------------------------------------------------------------


def measure(row: Row, nodes: list[tuple[int, subprocess.Popen]], options) -> tuple[Row, float]:
    """One wrk run of `row`, and the share of the nodes' CPU time the first node used."""
    before = [cpu_seconds(process.pid) for _, process in nodes]
    result = run_wrk(row, options)
    for port, _ in nodes:
        # Under round-robin either node may still have a backlog: let both drain.
        fetch(f"http://127.0.0.1:{port}/healthz")
    used = [
        cpu_seconds(process.pid) - start for (_, process), start in zip(nodes, before, strict=True)
    ]
    return result, (used[0] / sum(used) if sum(used) else 0.0)


def print_pages_table(medians: dict, splits: dict, options) -> None:
    out = sys.stdout.write
    workers = f"{options.node_workers} sync worker{'s' if options.node_workers > 1 else ''}"
    out(
        f"\nScale, pages: the article with {COMMENTS} comments through nginx (deploy/nginx, "
        f"micro-cache bypassed), upstream of 1 or 2 gunicorn nodes, {workers} each, round-robin;"
        f" wrk -t2 -c{options.connections}, {options.seconds} s a row, median of "
        f"{options.rounds} rounds, rows interleaved\n"
        f"Machine: {machine()}. wrk, nginx, both nodes, PostgreSQL and Redis share these cores: "
        f"a second node adds a process, not a core, so 2 nodes cannot double here.\n\n"
    )
    out(
        f"| {'article, 200 comments':<22} | {'1 node req/s':>12} | {'2 nodes req/s':>13} | "
        f"{'2/1':>5} | {'p50 ms, 1':>9} | {'p50 ms, 2':>9} | {'CPU split of 2 nodes':>20} |\n"
        f"|{'-' * 24}|{'-' * 13}:|{'-' * 14}:|{'-' * 6}:|{'-' * 10}:|{'-' * 10}:|{'-' * 21}:|\n"
    )
    for kind, label in (("cached", "page cache"), ("rendered", "rendered")):
        one, two = medians[kind, 1], medians[kind, 2]
        ratio = two.rate / one.rate if one.rate else 0.0
        errors = one.errors + two.errors
        label += f" ({errors} errors)" if errors else ""
        share = splits[kind]
        out(
            f"| {label:<22} | {one.rate:>12,.0f} | {two.rate:>13,.0f} | {ratio:>5.2f} | "
            f"{one.p50_ms:>9.2f} | {two.p50_ms:>9.2f} | "
            f"{f'{share:.0%} / {1 - share:.0%}':>20} |\n"
        )
    sys.stdout.flush()


def run_pages(options) -> None:
    # Its own database and Redis, whatever the environment says (site_bench takes those).
    os.environ.update(DATABASE_URL=WEB_DATABASE_URL, REDIS_URL=WEB_REDIS_URL)
    print("Pages:", flush=True)  # noqa: T201
    folder, article_path = prepare_pages(
        database_url=WEB_DATABASE_URL, redis_url=WEB_REDIS_URL, media_root=MEDIA_ROOT
    )

    processes = []
    try:
        nodes = {}
        for kind, env in (("cached", {}), ("rendered", {"PAGE_CACHE_SECONDS": "0"})):
            nodes[kind] = []
            for number in NODES:
                port = free_port()
                log = folder / f"{kind}-node-{number}.log"
                process = start_gunicorn(port, options.node_workers, log, **env)
                processes.append(process)
                nodes[kind].append((port, process))
        rows = {}
        for kind, label in (("cached", "page cache"), ("rendered", "rendered")):
            for count in NODES:
                port = free_port()
                processes.append(
                    nginx.start_nginx(
                        folder / f"nginx-{kind}-{count}",
                        port=port,
                        upstream=[f"127.0.0.1:{node}" for node, _ in nodes[kind][:count]],
                        static_root=folder / "static",
                        media_root=MEDIA_ROOT,
                    )
                )
                rows[kind, count] = Row(
                    f"{label}, {count} node(s)",
                    f"http://127.0.0.1:{port}{article_path}",
                    headers=BYPASS,
                )
        for (kind, _), row in rows.items():
            for _ in range(3):  # the nodes' first requests fill their caches
                status, headers, body = fetch(row.url, BYPASS)
            if status != 200 or body.count(b'class="comment"') != COMMENTS:
                raise SystemExit(f"{row.url} did not render its {COMMENTS} comments")
            if headers.get("X-Cache-Status") != "BYPASS":
                raise SystemExit(f"nginx's micro-cache did not step aside: {headers}")
            page_cache = headers.get("X-Page-Cache")
            if (kind == "cached") != (page_cache == "hit"):
                raise SystemExit(f"{row.name}: the page cache said {page_cache!r}")
            row.size = len(body)

        runs = {key: [] for key in rows}
        splits = {kind: [] for kind in nodes}
        for number in range(1, options.rounds + 1):
            print(f"  round {number} of {options.rounds}...", flush=True)  # noqa: T201
            # Alternating order, so neither count always runs right after the other.
            order = NODES if number % 2 else tuple(reversed(NODES))
            for kind in nodes:
                for count in order:
                    result, share = measure(rows[kind, count], nodes[kind][:count], options)
                    runs[kind, count].append(result)
                    if count == 2:
                        splits[kind].append(share)
        medians = {
            key: sorted(found, key=lambda run: run.rate)[len(found) // 2]
            for key, found in runs.items()
        }
        split = {kind: sorted(found)[len(found) // 2] for kind, found in splits.items()}
        print_pages_table(medians, split, options)
    finally:
        for process in reversed(processes):
            nginx.stop(process)
        if options.keep:
            print(f"Logs and files kept in {folder}")  # noqa: T201
        else:
            shutil.rmtree(folder, ignore_errors=True)


# --- Newsletter --------------------------------------------------------------------------------


def run_newsletter(options, environment: dict[str, str]) -> None:
    """newsletter_bench with --workers 1,2, in a process of its own (it needs its own settings
    and database), with the environment this script started with."""
    print("\nNewsletter:", flush=True)  # noqa: T201
    command = [
        sys.executable, "-m", "bench.newsletter_bench", "--workers", ",".join(map(str, NODES)),
        f"--subscribers={options.subscribers}", f"--baseline-messages={options.baseline_messages}",
    ]  # fmt: skip
    env = {
        **environment,
        "DATABASE_URL": NEWSLETTER_DATABASE_URL,
        "REDIS_URL": NEWSLETTER_REDIS_URL,
    }
    subprocess.run(command, cwd=ROOT, env=env, check=True)  # noqa: S603 (fixed arguments)


def main(argv=None) -> None:
    options = parse_args(argv)
    sys.path.insert(0, str(ROOT))
    environment = dict(os.environ)  # before the pages' settings change it
    if options.only != "newsletter":
        run_pages(options)
    if options.only != "web":
        run_newsletter(options, environment)


if __name__ == "__main__":
    main()
