# source-databricks image, in Airbyte's Python connector layout: base airbyte/python-connector-base,
# code under /airbyte/integration_code, and the connector's console script as the entrypoint (what
# Airbyte's own image template runs, and what PyAirbyte and `pip install` users run too).
#
# The base image is pinned by tag and digest. The digest is the one Airbyte's connectors pin for
# this tag in their metadata.yaml; it was not checked against the registry here (no Docker engine
# where this was written). Check it with `docker buildx imagetools inspect "$BASE_IMAGE"`.
# Base image 4.0.2 runs Python 3.11, the version requirements*.lock are resolved for.
ARG BASE_IMAGE=docker.io/airbyte/python-connector-base:4.0.2@sha256:9fdb1888c4264cf6fee473649ecb593f56f58e5d0096a87ee0b231777e2e3e73

# Stage 1: build the wheel with the locked build backend, without build isolation (which would
# fetch an unpinned setuptools).
FROM ${BASE_IMAGE} AS build
WORKDIR /build
COPY requirements-build.lock ./
RUN pip install --no-cache-dir --require-hashes -r requirements-build.lock
COPY pyproject.toml README.md ./
COPY source_databricks ./source_databricks
COPY local_workspace ./local_workspace
RUN pip wheel --no-cache-dir --no-deps --no-build-isolation --wheel-dir /wheels .

# Stage 2: the runtime dependencies, hash-checked (no dev or local-workspace extras), then the
# wheel alone. integration_tests/test_packaging.py replays these installs in a fresh venv.
FROM ${BASE_IMAGE}
WORKDIR /airbyte/integration_code
COPY requirements-runtime.lock ./
RUN pip install --no-cache-dir --require-hashes -r requirements-runtime.lock
COPY --from=build /wheels /tmp/wheels
RUN pip install --no-cache-dir --no-deps /tmp/wheels/*.whl

ENV AIRBYTE_ENTRYPOINT="source-databricks"
ENTRYPOINT ["source-databricks"]
USER airbyte
