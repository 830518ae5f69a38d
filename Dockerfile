# incident-bot's image: a wheel built and installed into a virtualenv in the first stage, copied
# into a slim runtime that runs as an unprivileged user. tests/test_deploy.py lints this file;
# .ci/image builds and runs it (with PYTHON_IMAGE made from Debian's packages: no registry).
ARG PYTHON_IMAGE=python:3.12.8-slim-bookworm
FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
RUN python3 -m venv /opt/incident-bot
COPY pyproject.toml README.md LICENSE manifest.yml ./
COPY bot ./bot
COPY handlers ./handlers
COPY emulator ./emulator
RUN /opt/incident-bot/bin/pip install --no-compile . \
    && /opt/incident-bot/bin/python -m compileall -q /opt/incident-bot

FROM ${PYTHON_IMAGE}
RUN groupadd --system --gid 10001 incident-bot \
    && useradd --system --uid 10001 --gid incident-bot --home-dir /app --create-home \
       --shell /usr/sbin/nologin incident-bot
COPY --from=build /opt/incident-bot /opt/incident-bot
ENV PATH=/opt/incident-bot/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PORT=3000
WORKDIR /app
USER 10001:10001
EXPOSE 3000
# /healthz answers 200 while the database is reachable (the same probe Kubernetes uses).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('PORT', '3000') + '/healthz', timeout=4)"]
ENTRYPOINT ["incident-bot"]
CMD ["run"]
