"""gunicorn for CellTx: `gunicorn -c deploy/gunicorn.conf.py celltx.wsgi`.

Sync workers are right for short, CPU-bound Django requests, provided a
buffering proxy (deploy/nginx.conf) sits in front: nginx reads slow clients'
requests and writes their responses, so a worker is never held by a slow
connection. Without nginx (as `make run`), a few slow clients can occupy every
worker.
"""

import multiprocessing
import os

from celltx.access_log import FORMAT

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# One worker per core, plus one: requests are short and mostly CPU.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() + 1))
# Every database limit (connect 2 s, statement 1.5 s) ends well inside this, so
# a worker answers 503 long before gunicorn would kill it.
timeout = 20
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then so that no slow leak can grow; the jitter keeps
# them from restarting all at once.
max_requests = 5000
max_requests_jitter = 500
# Load the app in the master: a misconfiguration (no static manifest, no
# database file) stops the server at once with one clear message.
preload_app = True

accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
logger_class = "celltx.access_log.PrivateAccessLogger"
access_log_format = FORMAT
# Trust X-Forwarded-* only from the local proxy.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
