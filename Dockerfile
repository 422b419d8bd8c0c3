# Chengan's production image: gunicorn serving portal.wsgi with whitenoise, and the same image
# runs the Celery worker and beat (see docker-compose.yml). Settings come from the environment.

# --- front-end libraries: npm from package-lock.json, never copies in the repository ---------
FROM node:20-bookworm-slim AS assets
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

# --- the application ---------------------------------------------------------------------------
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=portal.settings.production \
    CHENGAN_VAR_DIR=/app/var \
    PORT=8000
WORKDIR /app

RUN groupadd --system chengan \
 && useradd --system --gid chengan --home-dir /app --no-create-home --shell /usr/sbin/nologin chengan

# Dependencies first, from pyproject.toml alone, so code changes reuse this layer.
# The s3 extra adds boto3 for S3-compatible upload storage (AWS_STORAGE_BUCKET_NAME).
COPY pyproject.toml ./
RUN pip install ".[s3]"

COPY --from=assets /build/node_modules ./node_modules
COPY . .

# Translations and static files are built into the image. Production settings refuse to load
# without their variables, so the build passes throwaway values; nothing connects to them.
RUN SECRET_KEY=build-only-not-a-secret \
    DATABASE_URL=sqlite:////tmp/build.sqlite3 \
    REDIS_URL=redis://localhost:6379/0 \
    ALLOWED_HOSTS=localhost \
    sh -c "python manage.py compile_translations && python manage.py collectstatic --noinput" \
 && rm -f /tmp/build.sqlite3 \
 && mkdir -p /app/var/media \
 && chown -R chengan:chengan /app/var

USER chengan
EXPOSE 8000
VOLUME ["/app/var/media"]
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
    CMD ["python", "docker/healthcheck.py"]
# WEB_CONCURRENCY sets gunicorn's worker count; GUNICORN_CMD_ARGS adds any other option.
CMD ["sh", "-c", "exec gunicorn portal.wsgi:application --bind 0.0.0.0:${PORT} --access-logfile -"]
