"""Score CellTx with the MDN HTTP Observatory's own scanner.

The scanner (npm `@mdn/mdn-http-observatory`) always scans ports 80 and 443 of
the host it is given. `.ci/run` installs it (see `install_scanner` there); this
module runs it and judges the result:

    .venv/bin/python deploy/observatory.py plain --scanner DIR
        serves the site as `make run` does (gunicorn, plain HTTP) on
        127.0.0.1:80 with a throwaway SQLite database, and expects every test
        to pass but the two that need HTTPS;

deploy/check_cluster.py calls `judge_tls` on its nginx with TLS (port 443,
a certificate the scanner is told to trust), and expects grade A+.
"""

import argparse
import json
import os
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path

from servers import manage, start_gunicorn, stop, wait_until_up

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = Path("node_modules", "@mdn", "mdn-http-observatory")
# Over plain HTTP these two cannot pass: they are about HTTPS itself.
NEED_HTTPS = {"redirection", "strict-transport-security"}


def run_scanner(scanner_dir, host="localhost", ca=None):
    environment = dict(os.environ)
    if ca:
        environment["NODE_EXTRA_CA_CERTS"] = str(ca)
    result = subprocess.run(
        ["node", str(Path(scanner_dir, PACKAGE, "src", "scan.js")), host],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
        check=False,
    )
    report = json.loads(result.stdout)
    if "error" in report and "scan" not in report:
        raise RuntimeError(f"the scanner failed: {report['error']}")
    return report


def print_report(title, report):
    scan = report["scan"]
    print(
        f"{title}: grade {scan['grade']}, score {scan['score']},"
        f" {scan['testsPassed']} of {scan['testsQuantity']} tests passed"
    )
    for name, test in sorted(report["tests"].items()):
        mark = "pass" if test["pass"] else "FAIL"
        print(f"  {mark}  {name:32} {test['result']}")


def judge_plain(report):
    failed = {name for name, test in report["tests"].items() if not test["pass"]}
    return failed <= NEED_HTTPS, f"failed: {sorted(failed) or 'none'}"


def judge_tls(report):
    grade = report["scan"]["grade"]
    return grade == "A+", f"grade {grade}"


def plain(scanner_dir):
    """Serve as `make run` does on port 80, then scan it."""
    with tempfile.TemporaryDirectory(prefix="celltx-observatory-") as workdir:
        environment = {
            **os.environ,
            "SQLITE_PATH": str(Path(workdir, "db.sqlite3")),
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "localhost,127.0.0.1",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
        }
        environment.pop("DATABASE_URL", None)
        for command in (
            ["migrate", "-v0"],
            ["seed", "-v0"],
            ["collectstatic", "--noinput", "-v0"],
        ):
            manage(environment, *command)
        server = start_gunicorn(environment, "127.0.0.1:80")
        try:
            wait_until_up("http://localhost/healthz")
            report = run_scanner(scanner_dir)
        finally:
            stop(server)
    print_report("HTTP Observatory, make run (plain HTTP)", report)
    passed, detail = judge_plain(report)
    print(f"Every test passes except the two that need HTTPS: {passed} ({detail})")
    return passed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["plain"])
    parser.add_argument("--scanner", required=True, help="where npm installed it")
    options = parser.parse_args()
    sys.exit(0 if plain(options.scanner) else 1)


if __name__ == "__main__":
    main()
