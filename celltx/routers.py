"""Send reads to the read replicas named in DATABASE_REPLICA_URLS.

The site only reads; `seed` writes to the primary, and each replica follows it.
A replica that lags shows the previous dataset version for a moment, never a
half-loaded one: `seed` commits everything in one transaction.
"""

import random

from django.conf import settings


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        replicas = [alias for alias in settings.DATABASES if alias != "default"]
        return random.choice(replicas) if replicas else "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # every alias holds the same data

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"
