# The explorer as a container: ecosystem serve on port 8050, as an unprivileged user, with the
# computed metrics kept on the /cache volume and the users file and session secret on /config.
#
#   docker build -t ecosystem .
#   docker run --rm -v ecosystem-config:/config ecosystem users add alice --users /config/users
#   docker run -d -p 127.0.0.1:8050:8050 -v ecosystem-config:/config -v ecosystem-cache:/cache ecosystem
#
# PYTHON_IMAGE is any Debian-based image with Python 3.11 or later and its venv module.
ARG PYTHON_IMAGE=python:3.11-slim

FROM ${PYTHON_IMAGE} AS build
WORKDIR /src
COPY pyproject.toml README.md LICENSE ./
COPY ecosystem ecosystem
COPY assets assets
COPY data/entities.csv data/relations.csv data/sources.csv data/
COPY data/sources data/sources
COPY stories stories
# A virtual environment is one folder: the final image copies it and leaves pip's caches behind,
# and the libraries' own test suites (about 100 MB of SciPy, pandas and NumPy tests).
RUN python3 -m venv /opt/ecosystem \
    && /opt/ecosystem/bin/pip install --no-cache-dir --disable-pip-version-check . \
    && find /opt/ecosystem -depth -type d -name tests -path "*/site-packages/*" -exec rm -rf {} + \
    && /opt/ecosystem/bin/ecosystem validate

FROM ${PYTHON_IMAGE}
ENV PATH=/opt/ecosystem/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    ECOSYSTEM_CACHE=/cache \
    XDG_RUNTIME_DIR=/tmp
# XDG_RUNTIME_DIR: where gunicorn puts its control socket; the root file system may be read-only.
RUN groupadd --system --gid 10001 ecosystem \
    && useradd --system --uid 10001 --gid 10001 --home-dir /nonexistent --shell /usr/sbin/nologin ecosystem \
    && mkdir /cache /config \
    && chown ecosystem:ecosystem /cache /config
COPY --from=build /opt/ecosystem /opt/ecosystem
USER 10001:10001
VOLUME ["/cache", "/config"]
EXPOSE 8050
# The health check's own Python: no curl in a slim image. Long start period: the first start
# computes every metric into /cache.
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s --retries=3 \
    CMD ["python3", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8050/healthz', timeout=4).status != 200)"]
ENTRYPOINT ["ecosystem"]
# Off loopback the server requires sign-in: users from /config/users. For a map meant for
# everyone: docker run ... ecosystem serve --host 0.0.0.0 --public
CMD ["serve", "--host", "0.0.0.0", "--port", "8050", "--users", "/config/users", "--secret-file", "/config/secret"]
