"""Throughput and latency of every page type, served as in production.

For each engine (SQLite, PostgreSQL) and with the page cache on and off, this
starts gunicorn with deploy/gunicorn.conf.py (2 workers) and drives it with wrk
on loopback: a 30 KB static file from the same server first, as the yardstick,
then each page type. Printed per row: requests per second at 8 connections and
its ratio to the static file, p50 and p99 at 8 connections, p50 at one
connection; and per server, the peak resident memory of its workers.

    python bench/pages.py header
    python bench/pages.py run sqlite|postgres   # DATABASE_URL for postgres

Targets (issue 15): with the cache warm, every page type at least 0.5x the
static file; with it off, no page type over 25 ms median at one connection;
worker memory under 250 MB. Numbers move with load on a 2-core machine: run it
when nothing else runs.
"""

import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "deploy"))
from servers import manage, start_gunicorn, stop, wait_until_up  # noqa: E402

PORT = 18300
CONNECTIONS = 8
SECONDS = 4
SINGLE_SECONDS = 2
YARDSTICK = "bench/yardstick-30k.txt"
MISSPELT = (
    "mutliple myelmoa lymphomma leukaemea childrn refactory relapsd secnd line"
    " therapie cel treatmnet aproved japn europ canda austrlia korea chinna"
)

PAGES = [
    ("static file (30 KB)", f"/static/{YARDSTICK}"),
    ("home", "/"),
    ("product list", "/products/"),
    (
        "list, three filters",
        "/products/?modality=car-t&agency=fda&status=authorised",
    ),
    ("search", "/search/?q=multiple+myeloma"),
    ("typo search", "/search/?q=mutliple+myelmoa"),
    ("list, 20-word misspelt q", "/products/?q=" + MISSPELT.replace(" ", "+")),
    ("product", "/products/tisagenlecleucel/"),
    ("disease", "/diseases/multiple-myeloma/"),
    ("mechanism", "/mechanisms/car-directed-cytotoxicity/"),
    ("compare", "/compare/?products=tisagenlecleucel,axicabtagene-ciloleucel"),
    ("API list", "/api/v1/products/"),
    ("authorisations API", "/api/v1/authorisations/"),
]


def header():
    print(
        f"\n{'engine':8} {'cache':5} {'page':26} {'req/s':>8} {'× static':>9}"
        f" {'p50 ms':>7} {'p99 ms':>7} {'p50@1 ms':>9}"
    )


def run(engine):
    workdir = Path(tempfile.mkdtemp(prefix="celltx-bench-http-"))
    environment = {
        **os.environ,
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "GUNICORN_ACCESS_LOG": "/dev/null",
    }
    if engine == "sqlite":
        environment.pop("DATABASE_URL", None)
        environment["SQLITE_PATH"] = str(workdir / "bench.sqlite3")
    elif not environment.get("DATABASE_URL"):
        sys.exit("set DATABASE_URL for the postgres run")
    try:
        for command in (["migrate", "-v0"], ["seed", "-v0"]):
            manage(environment, *command)
        manage(environment, "collectstatic", "--noinput", "-v0")
        yardstick = ROOT / "staticfiles" / YARDSTICK
        yardstick.parent.mkdir(exist_ok=True)
        yardstick.write_text(("CellTx benchmark yardstick. " * 1100)[:30_000])
        for cache in ("on", "off"):
            _run_server(engine, cache, environment)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _run_server(engine, cache, environment):
    server = start_gunicorn(
        {**environment, "CELLTX_PAGE_CACHE": "1" if cache == "on" else "0"},
        f"127.0.0.1:{PORT}",
    )
    try:
        wait_until_up(f"http://127.0.0.1:{PORT}/healthz")
        static_rate = None
        for name, path in PAGES:
            url = f"http://127.0.0.1:{PORT}{path}"
            urllib.request.urlopen(url).read()  # warm: the cache, the worker
            rate, p50, p99 = _wrk(url, CONNECTIONS, SECONDS)
            _, single_p50, _ = _wrk(url, 1, SINGLE_SECONDS)
            static_rate = static_rate or rate
            print(
                f"{engine:8} {cache:5} {name:26} {rate:8.0f} {rate / static_rate:9.2f}"
                f" {p50:7.1f} {p99:7.1f} {single_p50:9.1f}",
                flush=True,
            )
        print(f"{engine:8} {cache:5} peak worker memory: {_peak_rss_mb(server.pid)}")
    finally:
        stop(server)


def _wrk(url, connections, seconds):
    output = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = _milliseconds(re.search(r"50%\s+([\d.]+\w+)", output).group(1))
    p99 = _milliseconds(re.search(r"99%\s+([\d.]+\w+)", output).group(1))
    if "Non-2xx" in output:
        sys.exit(f"{url} answered errors under load:\n{output}")
    return rate, p50, p99


def _milliseconds(text):
    value, unit = re.match(r"([\d.]+)(\w+)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def _peak_rss_mb(master_pid):
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text()
    peaks = []
    for pid in children.split():
        status = Path(f"/proc/{pid}/status").read_text()
        peaks.append(int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024)
    return ", ".join(f"{peak:.0f} MB" for peak in peaks)


if __name__ == "__main__":
    if sys.argv[1:] == ["header"]:
        header()
    elif sys.argv[1:2] == ["run"] and sys.argv[2:] in (["sqlite"], ["postgres"]):
        run(sys.argv[2])
    else:
        sys.exit(__doc__)
