# syntax=docker/dockerfile:1
# The Care Home Pharmacy Hub: one image for the web (gunicorn), the Celery worker and Celery beat.
# docker-compose.yml runs it; see README.md "Deploying with docker compose".

# --- Front-end assets: nhsuk-frontend from package-lock.json -------------------------------------
FROM node:20-bookworm-slim AS assets
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

# --- The application ----------------------------------------------------------------------------
FROM python:3.11-slim AS app

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PYTHONPATH=/app \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    MPLCONFIGDIR=/tmp/matplotlib \
    WEB_CONCURRENCY=3

WORKDIR /app

# A user without a login shell or a writable home: the app code is owned by root, read-only to it.
RUN groupadd --system --gid 10001 hub \
    && useradd --system --uid 10001 --gid hub --home-dir /app --no-create-home --shell /usr/sbin/nologin hub

# Dependencies first (cached until pyproject.toml changes). The project declares no packages of
# its own, so this installs only the runtime dependencies; the code runs from /app.
COPY pyproject.toml README.md ./
RUN pip install --upgrade pip setuptools \
    && pip install .

COPY . .
COPY --from=assets /build/node_modules/nhsuk-frontend/ ./node_modules/nhsuk-frontend/

# Static files into /app/staticfiles (served by WhiteNoise). The key exists only for this step.
RUN SECRET_KEY=build-time-only-not-a-secret DEBUG=False python manage.py collectstatic --noinput

USER hub
EXPOSE 8000

# Processes, preloading, timeouts and logs: config/gunicorn.conf.py.
CMD ["gunicorn", "-c", "config/gunicorn.conf.py", "--bind", "0.0.0.0:8000", "config.wsgi:application"]
