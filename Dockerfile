# The journal in one container: gunicorn on port 8000 as an unprivileged user, the data
# (SQLite database and generated secret) in the /app/instance volume.
#
#   docker build -t journal .
#   docker run -d --name journal -p 127.0.0.1:8000:8000 -v journal-instance:/app/instance journal
#
# compose.yaml does the same with `docker compose up -d`; README.md, "Deploying", has more.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# The account the journal runs as: not root, and with a fixed id so that the owner of a
# bind-mounted instance folder can be set on the host (chown 10001:10001 folder).
RUN groupadd --gid 10001 journal \
    && useradd --uid 10001 --gid journal --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin journal

WORKDIR /app

# The source tree stays at /app and is installed in editable mode. The journal finds
# templates/, static/ and instance/ next to its package (ROOT in journal/__init__.py is
# the folder above journal/); a regular install would put the package in site-packages,
# away from them. The files belong to root, so the journal cannot change its own code.
COPY . .
RUN pip install --no-cache-dir -e ".[postgres]" \
    && chmod 0755 docker-entrypoint.sh \
    && mkdir -p instance \
    && chown journal:journal instance \
    && chmod 0700 instance

# Declared after the chown: a new named volume starts with this folder's owner and mode.
VOLUME ["/app/instance"]

USER 10001:10001

ENV HOST=0.0.0.0 \
    PORT=8000
EXPOSE 8000

# There is no curl in the slim image; Python's urllib does the same. /healthz answers 200
# when the database answers, 503 (an error for urlopen) when it does not.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('PORT', '8000') + '/healthz', timeout=4)"]

# Brings the schema up to date (flask db upgrade), then runs the command below.
ENTRYPOINT ["/app/docker-entrypoint.sh"]
CMD ["gunicorn", "-c", "gunicorn.conf.py"]
