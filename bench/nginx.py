"""Run nginx from Debian's package with the project's config (deploy/nginx), as an ordinary
process in a folder of its own: for `make bench` and the proxy micro-cache test."""

import grp
import os
import pwd
import re
import shutil
import subprocess
import time
import urllib.request
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "deploy" / "nginx" / "runsite.conf.template"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def render_site_conf(values: dict[str, str]) -> str:
    """The template with ${RUNSITE_...} replaced, as envsubst does; every name must be given."""
    text = TEMPLATE.read_text()
    names = set(re.findall(r"\$\{(RUNSITE_[A-Z_]+)\}", text))
    missing = names - values.keys()
    if missing:
        raise ValueError(f"no value for {', '.join(sorted(missing))}")
    return re.sub(r"\$\{(RUNSITE_[A-Z_]+)\}", lambda match: values[match[1]], text)


def start_nginx(
    folder: Path, *, port: int, upstream: str | Sequence[str], static_root: Path, media_root: Path,
    static_file_port: int | None = None, static_file_root: Path | None = None,
) -> subprocess.Popen:  # fmt: skip
    """nginx in front of `upstream` on 127.0.0.1:port (host:port, or several that nginx balances
    round-robin); with static_file_port, a second server that only serves files from
    static_file_root (the benchmark's reference)."""
    upstreams = [upstream] if isinstance(upstream, str) else list(upstream)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "tls.conf").write_text("# TLS ends elsewhere in tests and benchmarks.\n")
    site = render_site_conf(
        {
            "RUNSITE_LISTEN": f"127.0.0.1:{port}",
            "RUNSITE_SERVER_NAME": "localhost 127.0.0.1",
            # The template's upstream has one `server ${RUNSITE_UPSTREAM};` line: more nodes are
            # more such lines, as envsubst would write them from "a:8000; server b:8000".
            "RUNSITE_UPSTREAM": ";\n    server ".join(upstreams),
            "RUNSITE_CACHE_DIR": str(folder / "cache"),
            "RUNSITE_STATIC_ROOT": str(static_root),
            "RUNSITE_MEDIA_ROOT": str(media_root),
            "RUNSITE_TLS_CONF": str(folder / "tls.conf"),
        }
    )
    (folder / "runsite.conf").write_text(site)
    static_server = ""
    if static_file_port:
        static_server = (
            f"server {{ listen 127.0.0.1:{static_file_port}; root {static_file_root}; "
            "location / { } }"
        )
    user = pwd.getpwuid(os.getuid()).pw_name
    group = grp.getgrgid(os.getgid()).gr_name
    temp = {name: folder / name for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
    (folder / "nginx.conf").write_text(
        f"""
{"user " + user + " " + group + ";" if os.getuid() == 0 else ""}
worker_processes auto;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    client_body_temp_path {temp["body"]};
    proxy_temp_path {temp["proxy"]};
    fastcgi_temp_path {temp["fastcgi"]};
    uwsgi_temp_path {temp["uwsgi"]};
    scgi_temp_path {temp["scgi"]};
    include {folder}/runsite.conf;
    {static_server}
}}
"""
    )
    command = [NGINX, "-p", str(folder), "-e", str(folder / "error.log")]
    command += ["-c", str(folder / "nginx.conf"), "-g", "daemon off;"]
    process = subprocess.Popen(command, stderr=subprocess.DEVNULL)  # noqa: S603 (fixed arguments)
    wait_for(f"http://127.0.0.1:{port}/healthz", process, folder / "error.log")
    return process


def wait_for(url: str, process: subprocess.Popen, log: Path, timeout: float = 30) -> None:
    """Wait until `url` answers at all (any status), or fail with the process's log."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited: {_tail(log)}")
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 (loopback URL we built)
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer in {timeout:.0f} s: {_tail(log)}")


def _tail(log: Path) -> str:
    try:
        return log.read_text()[-2000:]
    except OSError:
        return "(no log)"


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
