# syntax=docker/dockerfile:1
# LIBRI portal image: one image for web (gunicorn), migrate, Celery worker and Celery beat (docker-compose.yml).

# --- Build stage: virtualenv with the locked runtime dependencies, compiled catalogues, collected static files ---
FROM python:3.11-slim AS build

ENV PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH

RUN apt-get update \
    && apt-get install --yes --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml requirements.lock ./
# Runtime dependencies only (the lock also pins the test tools), each at the version the lock pins.
RUN python -m venv "$VIRTUAL_ENV" \
    && python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/runtime.txt \
    && pip install --constraint requirements.lock --requirement /tmp/runtime.txt

COPY . .
# Settings refuse to start without SECRET_KEY when DEBUG is off; these two commands need no real one.
RUN SECRET_KEY=image-build-only python manage.py compilemessages --verbosity=0 \
    && SECRET_KEY=image-build-only python manage.py collectstatic --noinput --verbosity=0

# --- Runtime stage -------------------------------------------------------------------------------------------
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH \
    STATIC_ROOT=/app/staticfiles \
    MEDIA_ROOT=/app/media

RUN useradd --system --uid 10001 --user-group --home-dir /app --shell /usr/sbin/nologin libri

COPY --from=build /opt/venv /opt/venv
COPY --from=build --chown=root:root /app /app
# Uploaded files live on a volume; a fresh named volume takes this directory's owner.
RUN install --directory --owner=libri --group=libri /app/media

WORKDIR /app
USER libri
EXPOSE 8000

CMD ["gunicorn", "portal.wsgi:application", "--bind=0.0.0.0:8000", "--workers=3", "--access-logfile=-"]
