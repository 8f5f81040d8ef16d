# The two commands that matter: `make run` and `make test`. See README.md.
SHELL := /bin/bash
export PATH := $(HOME)/.local/bin:$(PATH)
UV ?= uv
PY := $(UV) run --frozen python
PORT ?= 8000

.PHONY: run dev test lint format serve admin install db messages compile-messages bench chaos cluster-test clean image image-base

## install: Python packages (uv, from uv.lock) and the CSS packages (npm, from package-lock.json)
install: .venv/.installed node_modules/.installed src/samenaanpak/static/vendor/utrecht-components.css

.venv/.installed: pyproject.toml uv.lock
	@command -v $(UV) >/dev/null || python3 -m pip install --user --quiet uv
	$(UV) sync --frozen
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

src/samenaanpak/static/vendor/utrecht-components.css: node_modules/.installed scripts/build-css.mjs
	npm run --silent build

## db: migrations, cache table, compiled translations, the back-office roles (core/roles.py) and
## the content of MUNICIPALITY (content/$(MUNICIPALITY)/); idempotent
MUNICIPALITY ?= nijkerk
db: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py createcachetable
	$(MAKE) -s compile-messages
	$(PY) manage.py sync_roles
	$(PY) manage.py load_content $(MUNICIPALITY)

## run: everything, then web server, task worker and scheduler on http://127.0.0.1:$(PORT)/, as
## residents see the site (DEBUG off: Dutch error pages, never Django's debug page)
run: db
	@echo
	@echo "  Samenaanpak draait op http://127.0.0.1:$(PORT)/  (beheer: http://127.0.0.1:$(PORT)/$(patsubst /%,%,$(patsubst %/,%,$(or $(ADMIN_PATH),beheer)))/)"
	@echo "  Een beheeraccount maken: make admin   (daarna inloggen en een authenticator-app koppelen)"
	@echo
	DEBUG="$${DEBUG:-0}" PORT=$(PORT) SITE_URL="$${SITE_URL:-http://127.0.0.1:$(PORT)}" $(UV) run --frozen honcho start -f Procfile.dev

## dev: the same with Django's debug mode (tracebacks in the browser, for developers)
dev:
	DEBUG=1 $(MAKE) run

## serve: production mode (gunicorn, DEBUG off, WhiteNoise with compressed manifest storage)
# On this machine it runs over plain http, so the redirect to https and the Secure flag of the
# cookies are off (a browser keeps no Secure cookie from http: every form would fail); everything
# else is as in production. A real deployment sets these variables itself (docs/configuration.md).
PROD_ENV = SAMENAANPAK_ENV=production \
	SECRET_KEY="$${SECRET_KEY:-$$(cat $${VAR_DIR:-var}/secret_key)}" \
	DATABASE_URL="$${DATABASE_URL:-sqlite:///$$(realpath -m $${VAR_DIR:-var})/samenaanpak.sqlite3}" \
	REPORT_RECEIPT_PEPPER="$${REPORT_RECEIPT_PEPPER:-dev-pepper:$$(cat $${VAR_DIR:-var}/secret_key)}" \
	SECURE_SSL_REDIRECT="$${SECURE_SSL_REDIRECT:-0}" \
	SESSION_COOKIE_SECURE="$${SESSION_COOKIE_SECURE:-0}" CSRF_COOKIE_SECURE="$${CSRF_COOKIE_SECURE:-0}" \
	ALLOWED_HOSTS="$${ALLOWED_HOSTS:-127.0.0.1,localhost}" \
	SITE_URL="$${SITE_URL:-http://127.0.0.1:$(PORT)}" \
	EMAIL_URL="$${EMAIL_URL:-smtp://127.0.0.1:25}"
serve: db
	$(PROD_ENV) $(PY) manage.py collectstatic --noinput -v0
	$(PROD_ENV) PORT=$(PORT) $(PY) scripts/serve.py

## admin: create a back-office account (Beheerder); two-factor setup follows at the first login
admin: install
	$(PY) manage.py createsuperuser

## test: the whole suite (unit, integration and browser tests), in parallel on every core
## (pytest-xdist); `make test TEST_WORKERS=0` runs it in one process
TEST_WORKERS ?= auto
test: install
	$(MAKE) -s compile-messages
	$(UV) run --frozen pytest -n $(TEST_WORKERS)

## lint: ruff (code and format), djhtml (template indentation) and no model change without a migration
LINT_PATHS = src e2e bench scripts deploy conftest.py manage.py
lint: install
	$(UV) run --frozen ruff check $(LINT_PATHS)
	$(UV) run --frozen ruff format --check $(LINT_PATHS)
	find src -name '*.html' -print0 | xargs -0 $(UV) run --frozen djhtml --check
	$(PY) manage.py makemigrations --check --dry-run

## format: let ruff and djhtml fix what make lint reports
format: install
	$(UV) run --frozen ruff check --fix $(LINT_PATHS)
	$(UV) run --frozen ruff format $(LINT_PATHS)
	find src -name '*.html' -print0 | xargs -0 $(UV) run --frozen djhtml

## compile-messages: .po -> .mo with gettext's msgfmt when it is there; the .mo files are committed,
## so a machine without gettext still runs the site in both languages
compile-messages:
	@if command -v msgfmt >/dev/null; then $(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules -v0; \
	else echo "msgfmt (gettext) not found: using the committed .mo files"; fi

## messages: extract the translatable strings into the nl and en message files
messages: install
	cd src/samenaanpak && ../../.venv/bin/django-admin makemessages -l nl -l en --settings=samenaanpak.settings

## bench: the performance benchmark (bench/run.py; its docstring says what it measures)
bench: install
	$(PY) bench/run.py

## chaos: slow clients and a database outage against make serve, with figures (bench/chaos.py;
## needs PostgreSQL on 127.0.0.1 and nginx)
chaos: install
	$(PY) bench/chaos.py

## image: the production container image (Containerfile) as samenaanpak:<version> and :latest.
## BASE_IMAGE defaults to the local Debian base of `make image-base` (no registry here); on a
## machine that can pull, `make image BASE_IMAGE=docker.io/library/debian:bookworm-slim`.
VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' pyproject.toml)
LOCAL_BASE ?= localhost/debian-base:bookworm
BASE_IMAGE ?= $(LOCAL_BASE)
IMAGE ?= samenaanpak
# A machine that trusts local CAs (a TLS-inspecting proxy, as here) lends its CA bundle to the build
# stages as a build secret; it never reaches the image. BUILD_CA= (empty) builds without.
comma := ,
BUILD_CA ?= $(if $(wildcard /usr/local/share/ca-certificates/*.crt),/etc/ssl/certs/ca-certificates.crt)
image: $(if $(filter $(LOCAL_BASE),$(BASE_IMAGE)),image-base)
	podman build --isolation=chroot --build-arg BASE_IMAGE=$(BASE_IMAGE) --build-arg VERSION=$(VERSION) \
		$(if $(BUILD_CA),--secret id=build-ca$(comma)src=$(BUILD_CA)) \
		-t $(IMAGE):$(VERSION) -t $(IMAGE):latest -f Containerfile .

## image-base: a minimal Debian bookworm as the local base image (debootstrap + podman import,
## scripts/debian-base-image.sh), for machines without a registry; as root, once (skipped when
## the image exists)
BASE_ROOTFS ?= /var/tmp/samenaanpak-debian-base
image-base:
	@command -v podman >/dev/null && command -v debootstrap >/dev/null || apt-get install -y podman debootstrap
	@if podman image exists $(LOCAL_BASE); then echo "$(LOCAL_BASE) exists"; \
	else sh scripts/debian-base-image.sh $(BASE_ROOTFS) $(LOCAL_BASE); fi

## cluster-test: the site as a small cluster in network namespaces (PostgreSQL, Redis, nginx, two web
## nodes, two workers, two schedulers, each running the image's entrypoint in its root filesystem),
## under load, with a web node, a worker and a scheduler killed and the mail server, Redis and
## PostgreSQL taken away for a while; prints what was stored and mailed and how each outage went
## (bench/cluster.py). Builds the image first. Needs root; slow (about 10 minutes), so not part of
## `make test`. CLUSTER_ARGS=--no-image runs the same nodes from this checkout's .venv instead;
## CLUSTER_ARGS=--no-outages only kills web1 and worker1.
cluster-test: install $(if $(filter --no-image,$(CLUSTER_ARGS)),,image)
	CLUSTER_IMAGE=$(IMAGE):latest $(PY) bench/cluster.py $(CLUSTER_ARGS)

clean:
	rm -rf var/static var/cache
