import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "celltx.settings")

application = get_wsgi_application()

# After Django is set up: stop the worker now, with one clear message, rather
# than answer every request with an error.
from celltx.startup import check_ready_to_serve  # noqa: E402

check_ready_to_serve()
