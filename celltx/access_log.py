"""gunicorn's access log, without health information.

What people search for is health information: the log keeps the path but never
the query string or the referring page (which holds the previous query), and
the suggestion endpoint, which sees every keystroke, is not logged at all.
"""

from gunicorn.glogging import Logger

UNLOGGED_PATHS = ("/search/suggest/",)
# Remote address, time, method, path (no query), protocol, status, bytes,
# duration in microseconds, user agent.
FORMAT = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(D)s "%(a)s"'


class PrivateAccessLogger(Logger):
    def access(self, resp, req, environ, request_time):
        if environ.get("PATH_INFO", "").startswith(UNLOGGED_PATHS):
            return
        super().access(resp, req, environ, request_time)
