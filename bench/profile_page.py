"""Where the time of one page goes: pyinstrument over repeated renders, with the page cache off.

    make profile                                                   # the 200-comment article
    make profile PROFILE_ARGS="/ --renders 100"                    # the home page

Uses the benchmark's database and settings (bench/site_bench.py prepares the same data) and
Django's test client in this process, so it measures the view, the middleware and the templates
without the network. It prints the time per render, the queries per render and pyinstrument's
call tree.
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from .common import configure_environment, create_database
from .site_bench import DEFAULT_DATABASE_URL, DEFAULT_REDIS_URL

ROOT = Path(__file__).resolve().parents[1]


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", default="/articles/bench-the-busy-article/")
    parser.add_argument("--renders", type=int, default=50)
    return parser.parse_args(argv)


def main(argv=None) -> None:
    options = parse_args(argv)
    sys.path.insert(0, str(ROOT))
    configure_environment(
        database_url=DEFAULT_DATABASE_URL,
        redis_url=DEFAULT_REDIS_URL,
        site_url="http://127.0.0.1",
        settings="runsite.settings.bench",
    )
    static_root = Path(tempfile.gettempdir()) / "runsite-profile-static"
    os.environ.update(
        SECURE_SSL_REDIRECT="false", PAGE_CACHE_SECONDS="0", STATIC_ROOT=str(static_root)
    )
    create_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from pyinstrument import Profiler

    from .site_bench import prepare_data

    prepare_data()
    call_command("collectstatic", interactive=False, verbosity=0)
    client = Client(HTTP_HOST="127.0.0.1")
    if client.get(options.path).status_code != 200:  # also warms what a first request loads
        raise SystemExit(f"{options.path} does not answer 200")
    with CaptureQueriesContext(connection) as queries:
        client.get(options.path)

    profiler = Profiler(interval=0.0005)
    started = time.perf_counter()
    profiler.start()
    for _ in range(options.renders):
        client.get(options.path)
    profiler.stop()
    each = (time.perf_counter() - started) / options.renders * 1000

    print(  # noqa: T201
        f"{options.path}: {each:.1f} ms a render (profiler on), {len(queries)} queries; "
        "page cache off\n"
    )
    print(profiler.output_text(unicode=True, color=False))  # noqa: T201


if __name__ == "__main__":
    main()
