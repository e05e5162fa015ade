"""What the benchmarks share: production settings pointed at a database of their own."""

import os
from pathlib import Path
from urllib.parse import urlsplit

BENCH_SECRET_KEY = "benchmark-only-secret-key-not-for-production-use"  # noqa: S105


def configure_environment(*, database_url: str, redis_url: str, site_url: str, settings: str):
    """Production settings (DEBUG off) on the given PostgreSQL database and Redis."""
    os.environ.setdefault("DATABASE_URL", database_url)
    os.environ.setdefault("REDIS_URL", redis_url)
    os.environ["CELERY_BROKER_URL"] = os.environ["REDIS_URL"]
    os.environ["DJANGO_SETTINGS_MODULE"] = settings
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("SECRET_KEY", BENCH_SECRET_KEY)
    os.environ.setdefault("ALLOWED_HOSTS", "localhost,127.0.0.1")
    os.environ.setdefault("SITE_URL", site_url)


def create_database() -> None:
    """Create the database DATABASE_URL names if it does not exist yet."""
    import psycopg
    from psycopg import sql

    url = urlsplit(os.environ["DATABASE_URL"])
    name = url.path.lstrip("/")
    admin = url._replace(scheme="postgresql", path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if exists.fetchone() is None:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def process_family(pid: int) -> dict[int, list[str]]:
    """A process and all its descendants: each pid with the fields of its /proc/PID/stat that
    follow the command name (state, ppid, ...; utime and stime are at 11 and 12)."""
    stats = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stats[int(entry.name)] = (entry / "stat").read_text().rpartition(")")[2].split()
            except OSError:
                continue
    family, frontier = {pid}, [pid]
    while frontier:
        parent = frontier.pop()
        children = [child for child, fields in stats.items() if int(fields[1]) == parent]
        family.update(children)
        frontier.extend(children)
    return {member: stats[member] for member in family if member in stats}


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of a process and its descendants, from /proc."""
    ticks = sum(int(f[11]) + int(f[12]) for f in process_family(pid).values())
    return ticks / os.sysconf("SC_CLK_TCK")
