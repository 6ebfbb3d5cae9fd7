"""Bring up the deployment on this machine and check it end to end (CI runs it).

Two gunicorn app servers share one PostgreSQL database and one Redis cache,
behind nginx with TLS (a throwaway certificate authority that the checks
trust). It checks that:

- both app servers serve the same dataset version, through nginx too, with the
  security headers over HTTPS;
- a re-seed changes the version on both at once, and no page from the old
  dataset is served after it (beyond nginx's one-second micro-cache);
- slow clients holding connections open do not stall anyone else;
- a database that is locked or down gives a styled 503 within two seconds, and
  the site recovers by itself.

    .venv/bin/python deploy/check_cluster.py   # needs nginx, PostgreSQL, Redis

Exits non-zero with the failed check's message.
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg
import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "deploy"))
from observatory import judge_tls, print_report, run_scanner  # noqa: E402
from render_nginx import render  # noqa: E402
from servers import manage, start_gunicorn, stop, wait_until_up  # noqa: E402

PYTHON = sys.executable
POSTGRES = os.environ.get("CLUSTER_POSTGRES", "postgres://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("CLUSTER_REDIS_URL", "redis://127.0.0.1:6379/15")
APP_PORTS = (18101, 18102)
# The HTTP Observatory scans only ports 80 and 443: CI uses those and sets
# OBSERVATORY_SCANNER to where npm installed the scanner.
HTTP_PORT = int(os.environ.get("CLUSTER_HTTP_PORT", "18180"))
HTTPS_PORT = int(os.environ.get("CLUSTER_HTTPS_PORT", "18443"))
OBSERVATORY_SCANNER = os.environ.get("OBSERVATORY_SCANNER", "")
PRODUCT = "/products/tisagenlecleucel/"


class CheckFailed(Exception):
    pass


def check(condition, message):
    if not condition:
        raise CheckFailed(message)
    print(f"  ok  {message}")


def main():
    if not shutil.which("nginx"):
        sys.exit("nginx is not installed (apt-get install nginx)")
    workdir = Path(tempfile.mkdtemp(prefix="celltx-cluster-"))
    database = f"celltx_cluster_{os.getpid()}"
    processes = []
    try:
        environment = _prepare(workdir, database)
        for port in APP_PORTS:
            processes.append(_start_app(environment, port, workdir))
        processes.append(_start_nginx(workdir))
        for port in APP_PORTS:
            wait_until_up(f"http://127.0.0.1:{port}/readyz")
        _run_checks(environment, workdir, database)
    except CheckFailed as failure:
        print(f"FAILED: {failure}")
        _show_logs(workdir)
        sys.exit(1)
    finally:
        for process in processes:
            stop(process)
        _drop_database(database)
        shutil.rmtree(workdir, ignore_errors=True)
    print("The cluster checks passed.")


# --- setting up -------------------------------------------------------------


def _prepare(workdir, database):
    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{database}"')
    environment = {
        **os.environ,
        "DATABASE_URL": f"{POSTGRES}/{database}",
        "REDIS_URL": REDIS_URL,
        "DJANGO_SECRET_KEY": "cluster-check-" + os.urandom(24).hex(),
        "DJANGO_ALLOWED_HOSTS": "localhost,127.0.0.1",
        "DJANGO_BEHIND_TLS_PROXY": "1",
        "DJANGO_DEBUG": "0",
    }
    environment.pop("SQLITE_PATH", None)
    manage(environment, "migrate", "--noinput", "-v0")
    manage(environment, "seed", "-v0")
    manage(environment, "collectstatic", "--noinput", "-v0")
    subprocess.run(
        [
            PYTHON,
            "-c",
            "import redis,sys; redis.Redis.from_url(sys.argv[1]).flushdb()",
            REDIS_URL,
        ],
        check=True,
    )
    _make_certificates(workdir)
    shutil.copytree(ROOT / "fixtures", workdir / "fixtures")
    return environment


def _make_certificates(workdir):
    """A throwaway certificate authority and a certificate for localhost."""

    def openssl(*arguments):
        subprocess.run(
            ["openssl", *arguments], cwd=workdir, check=True, capture_output=True
        )

    openssl(
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "2",
        "-subj",
        "/CN=CellTx check CA",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
    )
    openssl(
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=localhost",
        "-keyout",
        "server.key",
        "-out",
        "server.csr",
    )
    (workdir / "san.ext").write_text(
        "subjectAltName=DNS:localhost,IP:127.0.0.1\n"
        "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\n"
        "extendedKeyUsage=serverAuth\n"
    )
    openssl(
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        "san.ext",
        "-out",
        "server.pem",
    )


def _start_app(environment, port, workdir):
    log = open(workdir / f"app-{port}.log", "w")  # closed with the process
    return start_gunicorn(environment, f"127.0.0.1:{port}", output=log)


def _start_nginx(workdir):
    runtime = workdir / "nginx"
    runtime.mkdir()
    runtime.chmod(0o777)  # nginx's workers run as an unprivileged user
    workdir.chmod(0o755)
    config = render(
        [f"127.0.0.1:{port}" for port in APP_PORTS],
        certificate=workdir / "server.pem",
        certificate_key=workdir / "server.key",
        runtime_dir=runtime,
        log_dir=runtime,
        server_name="localhost",
        http_listen=f"127.0.0.1:{HTTP_PORT}",
        https_listen=f"127.0.0.1:{HTTPS_PORT}",
    )
    (workdir / "nginx.conf").write_text(config)
    subprocess.run(["nginx", "-t", "-q", "-c", str(workdir / "nginx.conf")], check=True)
    return subprocess.Popen(
        ["nginx", "-c", str(workdir / "nginx.conf"), "-g", "daemon off;"],
        start_new_session=True,
    )


# --- the checks -------------------------------------------------------------


def _run_checks(environment, workdir, database):
    ca = str(workdir / "ca.pem")
    print("Same data version everywhere, with the security headers")
    versions = {_app(port, "/readyz").json()["dataset_version"] for port in APP_PORTS}
    check(len(versions) == 1, f"both app servers serve one dataset version {versions}")
    page = _front(ca, PRODUCT)
    check(
        page.status_code == 200 and "Kymriah" in page.text,
        "nginx serves the product page over HTTPS",
    )
    for header in (
        "Content-Security-Policy",
        "Strict-Transport-Security",
        "Permissions-Policy",
        "Cross-Origin-Resource-Policy",
    ):
        check(header in page.headers, f"the page carries {header}")
    redirect = requests.get(
        f"http://127.0.0.1:{HTTP_PORT}{PRODUCT}", allow_redirects=False, timeout=5
    )
    check(
        redirect.status_code == 301
        and redirect.headers["Location"].startswith("https://"),
        "plain HTTP is redirected to HTTPS",
    )

    if OBSERVATORY_SCANNER:
        report = run_scanner(OBSERVATORY_SCANNER, "localhost", ca=ca)
        print_report("HTTP Observatory, nginx with TLS", report)
        passed, detail = judge_tls(report)
        check(passed, f"the HTTP Observatory grades the TLS deployment A+ ({detail})")

    print("A re-seed reaches every server at once")
    fixture = workdir / "fixtures" / "products" / "tisagenlecleucel.yaml"
    fixture.write_text(
        fixture.read_text().replace(
            "brand_name: Kymriah", "brand_name: Kymriah-reseeded"
        )
    )
    before = versions.pop()
    manage(environment, "seed", "-v0", "--fixtures", str(workdir / "fixtures"))
    after = {_app(port, "/readyz").json()["dataset_version"] for port in APP_PORTS}
    check(
        len(after) == 1 and before not in after,
        f"both app servers moved from {before} to {after}",
    )
    for port in APP_PORTS:
        check(
            "Kymriah-reseeded" in _app(port, PRODUCT).text,
            f"app server {port} serves the new data at once",
        )
    time.sleep(1.5)  # nginx's micro-cache
    stale = [n for n in range(20) if "Kymriah-reseeded" not in _front(ca, PRODUCT).text]
    check(not stale, "nginx serves no stale page after its one-second micro-cache")

    print("Slow clients do not stall the others")
    sockets = [_half_open(HTTPS_PORT) for _ in range(8)]
    started = time.monotonic()
    response = _front(ca, "/products/?q=myeloma&nocache=1")
    elapsed = time.monotonic() - started
    check(
        response.status_code == 200 and elapsed < 2,
        f"a request with 8 slow clients connected took {elapsed:.2f} s",
    )
    for sock in sockets:
        sock.close()

    print("A locked or missing database gives a 503, then recovers")
    with psycopg.connect(f"{POSTGRES}/{database}") as holder:
        holder.execute("LOCK TABLE catalog_datasetversion IN ACCESS EXCLUSIVE MODE")
        started = time.monotonic()
        locked = _app(APP_PORTS[0], "/diseases/?locked=1")
        elapsed = time.monotonic() - started
        check(
            locked.status_code == 503
            and "Retry-After" in locked.headers
            and "briefly unavailable" in locked.text
            and elapsed < 2.5,
            f"a locked database gave a styled 503 in {elapsed:.2f} s",
        )
        check(
            _app(APP_PORTS[0], "/healthz").status_code == 200, "/healthz still answers"
        )
    check(
        _app(APP_PORTS[0], "/diseases/?locked=2").status_code == 200,
        "the page comes back once the lock is released",
    )
    down = {**environment, "DATABASE_URL": "postgres://postgres@127.0.0.1:1/none"}
    process = _start_app(down, 18109, workdir)
    try:
        wait_until_up("http://127.0.0.1:18109/healthz")
        started = time.monotonic()
        response = _app(18109, "/api/v1/products/")
        elapsed = time.monotonic() - started
        check(
            response.status_code == 503 and elapsed < 2.5,
            f"a database that refuses connections gave a JSON 503 in {elapsed:.2f} s",
        )
        check(_app(18109, "/readyz").status_code == 503, "/readyz reports it")
    finally:
        stop(process)


# --- helpers ----------------------------------------------------------------


def _app(port, path):
    return requests.get(
        f"http://127.0.0.1:{port}{path}",
        headers={"Host": "localhost", "X-Forwarded-Proto": "https"},
        timeout=10,
    )


def _front(ca, path):
    return requests.get(f"https://localhost:{HTTPS_PORT}{path}", verify=ca, timeout=10)


def _half_open(port):
    """A client that connects and then goes quiet, as a slow phone might."""
    sock = socket.create_connection(("127.0.0.1", port))
    sock.send(b"\x16\x03\x01")  # the start of a TLS handshake, then nothing
    return sock


def _drop_database(database):
    try:
        with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    except psycopg.Error as error:
        print(f"could not drop {database}: {error}")


def _show_logs(workdir):
    for log in sorted(workdir.glob("app-*.log")) + sorted(workdir.glob("nginx/*.log")):
        print(f"--- {log.name}")
        print(log.read_text()[-3000:])


if __name__ == "__main__":
    main()
