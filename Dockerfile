# Estate CRM image: one image for web (gunicorn), worker and beat (Celery), and migrate.
#   docker build -t estate-crm .
# Settings come from the environment at run time (see .env.example and docker-compose.yml).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    LANG=C.UTF-8

# WeasyPrint's libraries, CJK fonts for Chinese PDFs, gettext for compilemessages.
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk gettext \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Runtime dependencies only: requirements.txt lists the tests and tools after the
# "# --- tests and tooling" line, which the image leaves out.
COPY requirements.txt /tmp/requirements.txt
RUN sed '/^# --- tests and tooling/,$d' /tmp/requirements.txt > /tmp/requirements-runtime.txt \
    && pip install -r /tmp/requirements-runtime.txt \
    && rm /tmp/requirements.txt /tmp/requirements-runtime.txt

COPY . .

# Build-time only key: settings refuse to load without one; the real key comes at run time.
RUN DEBUG=false SECRET_KEY=build-only-not-used-at-run-time-0123456789abcdefghijklmnop \
        python manage.py compilemessages --ignore staticfiles --ignore media \
    && DEBUG=false SECRET_KEY=build-only-not-used-at-run-time-0123456789abcdefghijklmnop \
        python manage.py collectstatic --noinput -v 0

RUN useradd --system --uid 10001 --user-group --home-dir /app --no-create-home crm \
    && mkdir -p /app/media \
    && chown crm:crm /app/media
USER crm

EXPOSE 8000
CMD ["gunicorn", "crm_site.wsgi:application", "-b", "0.0.0.0:8000", "-w", "2", "--access-logfile", "-"]
