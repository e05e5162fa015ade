"""Lighthouse scores for the home page and an article, with Debian's chromium.

    make lighthouse

Serves the site as in production (runsite.settings.bench: DEBUG off, PostgreSQL, Redis) under
gunicorn behind nginx (deploy/nginx, serving /static/ and /media/) on localhost, with the
benchmark's data (bench/site_bench.py), and
runs Lighthouse from the npm registry (pinned below, fetched by npx on first use) against the
home page and a demo article, printing the four category scores. Not part of CI: it takes a few
minutes. Lighthouse's own throttling simulates a mid-range phone on a slow 4G network.
"""

import json
import os
import subprocess
from pathlib import Path

from . import nginx
from .site_bench import (
    DEFAULT_DATABASE_URL,
    DEFAULT_REDIS_URL,
    MEDIA_ROOT,
    free_port,
    prepare_pages,
    start_gunicorn,
)

LIGHTHOUSE = "lighthouse@13.5.0"
CHROMIUM = "/usr/bin/chromium"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
TARGET = 95


def run_lighthouse(url: str, folder: Path, form_factor: str) -> dict[str, int]:
    report = folder / f"report-{form_factor}-{abs(hash(url))}.json"
    command = [
        "npx", "--yes", LIGHTHOUSE, url,
        f"--chrome-path={CHROMIUM}",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-background-networking",
        f"--only-categories={','.join(CATEGORIES)}",
        "--output=json", f"--output-path={report}", "--quiet",
    ]  # fmt: skip
    if form_factor == "desktop":
        command.append("--preset=desktop")
    # Lighthouse sometimes loses chromium's trace of the load (NO_NAVSTART) on a busy machine;
    # that says nothing about the page, so such a run is tried again, twice at most.
    for attempt in range(3):
        done = subprocess.run(command, cwd=folder)  # noqa: S603 (fixed arguments)
        if done.returncode == 0:
            break
        print(f"  Lighthouse failed (exit {done.returncode}), attempt {attempt + 1} of 3")  # noqa: T201
    else:
        raise SystemExit(f"Lighthouse failed three times on {url} ({form_factor})")
    data = json.loads(report.read_text())
    return {name: round(data["categories"][name]["score"] * 100) for name in CATEGORIES}


def main() -> None:
    port, app_port = free_port(), free_port()
    origin = f"http://localhost:{port}"
    os.environ["SITE_URL"] = origin  # canonical links point at the origin being audited
    folder, _ = prepare_pages(
        database_url=DEFAULT_DATABASE_URL, redis_url=DEFAULT_REDIS_URL, media_root=MEDIA_ROOT
    )
    from articles.models import Article

    article = Article.objects.published().exclude(slug__startswith="bench-").first()
    # As in production: gunicorn behind nginx, which serves /static/ and /media/.
    server = start_gunicorn(app_port, 2, folder / "gunicorn.log")
    proxy = nginx.start_nginx(
        folder / "nginx",
        port=port,
        upstream=f"127.0.0.1:{app_port}",
        static_root=folder / "static",
        media_root=MEDIA_ROOT,
    )
    try:
        pages = {"home": f"{origin}/", "article": f"{origin}{article.get_absolute_url()}"}
        rows = []
        for name, url in pages.items():
            for form_factor in ("mobile", "desktop"):
                print(f"  Lighthouse: {name} ({form_factor})...", flush=True)  # noqa: T201
                rows.append((name, form_factor, run_lighthouse(url, folder, form_factor)))
    finally:
        nginx.stop(proxy)
        nginx.stop(server)
    header = " | ".join(f"{name:>14}" for name in CATEGORIES)
    print(f"\n| page    | device  | {header} |")  # noqa: T201
    print(f"|---------|---------|{'|'.join('-' * 15 + ':' for _ in CATEGORIES)}|")  # noqa: T201
    for name, form_factor, scores in rows:
        cells = " | ".join(f"{scores[category]:>14}" for category in CATEGORIES)
        print(f"| {name:<7} | {form_factor:<7} | {cells} |")  # noqa: T201
    low = [
        (name, form_factor, category, score)
        for name, form_factor, scores in rows
        for category, score in scores.items()
        if score < TARGET
    ]
    print(  # noqa: T201
        f"\nEvery score is {TARGET} or more."
        if not low
        else "\nBelow " + str(TARGET) + ": " + ", ".join(f"{n} {f} {c} {s}" for n, f, c, s in low)
    )
    print(f"Reports (JSON) are in {folder}")  # noqa: T201


if __name__ == "__main__":
    main()
