# Two entry points (see README): `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PORT ?= 8000
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed-$(shell cksum < requirements.lock | cut -d' ' -f1)
SECRET_FILE := $(VENV)/.secret-key

# Production-like local serving: debug off, a local secret, loopback only.
# Plain HTTP on loopback: no redirect to HTTPS (deploy/ puts TLS in front).
RUN_ENV = DJANGO_SECRET_KEY="$$(cat $(SECRET_FILE))" DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost \
	DJANGO_SECURE_SSL_REDIRECT=0
# Tests never need a real secret; TEST_DATABASE_URL adds a PostgreSQL pass.
TEST_ENV = DJANGO_SECRET_KEY=test-only-not-secret DJANGO_ALLOWED_HOSTS=testserver

.PHONY: install run serve test check lint format clean bench

install: $(INSTALLED)

$(INSTALLED): requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "CellTx needs Python 3.11 or newer as $(PYTHON)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	rm -f $(VENV)/.installed-*
	touch $@

$(SECRET_FILE): | $(INSTALLED)
	$(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))' > $@

run: install $(SECRET_FILE)
	$(RUN_ENV) $(BIN)/python manage.py migrate --noinput
	$(RUN_ENV) $(BIN)/python manage.py seed
	$(RUN_ENV) $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	@echo "CellTx is serving on http://127.0.0.1:$(PORT)/ (Ctrl-C stops it)"
	$(RUN_ENV) GUNICORN_BIND=127.0.0.1:$(PORT) GUNICORN_WORKERS=2 \
		$(BIN)/gunicorn -c deploy/gunicorn.conf.py celltx.wsgi

test: install check
	$(TEST_ENV) $(BIN)/python -W error::DeprecationWarning -m pytest
	@if [ -n "$(TEST_DATABASE_URL)" ]; then \
		echo "== Again on PostgreSQL ($(TEST_DATABASE_URL)) =="; \
		$(TEST_ENV) DATABASE_URL="$(TEST_DATABASE_URL)" \
			$(BIN)/python -W error::DeprecationWarning -m pytest; \
	fi

# Gates that are not tests: lint, format, Django's checks, migrations, fixtures.
check: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(TEST_ENV) $(BIN)/python -W error::DeprecationWarning manage.py check --fail-level WARNING
	$(TEST_ENV) $(BIN)/python manage.py makemigrations --check --dry-run
	$(TEST_ENV) SQLITE_PATH=:memory: $(BIN)/python manage.py seed --dry-run --verbosity 0

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) staticfiles db.sqlite3 db.sqlite3-shm db.sqlite3-wal

# Search speed on the real data (SQLite and PostgreSQL) and on 10,000
# synthetic products (PostgreSQL); then every page type under wrk, cache on
# and off, on both engines. Uses throwaway databases; prints two tables.
BENCH_PG ?= postgres://postgres@127.0.0.1:5432
bench: install
	@$(BIN)/python bench/search.py header
	@SQLITE_PATH=$$(mktemp -d)/bench.sqlite3 $(BIN)/python bench/search.py real
	@$(BIN)/python bench/pg.py recreate celltx_bench_real $(BENCH_PG) && \
		DATABASE_URL=$(BENCH_PG)/celltx_bench_real $(BIN)/python bench/search.py real
	@$(BIN)/python bench/pg.py recreate celltx_bench_synthetic $(BENCH_PG) && \
		DATABASE_URL=$(BENCH_PG)/celltx_bench_synthetic $(BIN)/python bench/search.py synthetic
	@$(BIN)/python bench/pages.py header
	@$(BIN)/python bench/pages.py run sqlite
	@$(BIN)/python bench/pg.py recreate celltx_bench_pages $(BENCH_PG) && \
		DATABASE_URL=$(BENCH_PG)/celltx_bench_pages $(BIN)/python bench/pages.py run postgres
