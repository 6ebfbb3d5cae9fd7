"""Start, wait for and stop CellTx servers, for the scripts that drive a real
one: deploy/check_cluster.py, deploy/observatory.py and bench/pages.py."""

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def manage(environment, *arguments):
    """Run a manage.py command with `environment`; fail loudly."""
    subprocess.run(
        [sys.executable, "manage.py", *arguments], cwd=ROOT, env=environment, check=True
    )


def start_gunicorn(environment, bind, workers=2, output=subprocess.DEVNULL):
    """gunicorn with deploy/gunicorn.conf.py, in its own process group."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "deploy/gunicorn.conf.py",
            "celltx.wsgi",
        ],
        cwd=ROOT,
        env={**environment, "GUNICORN_BIND": bind, "GUNICORN_WORKERS": str(workers)},
        stdout=output,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def wait_until_up(url, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


def stop(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
