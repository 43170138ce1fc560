# Slipstream's daily job as a container image (see docs/production.md).
#
#   docker build -t slipstream .
#   docker run --rm slipstream --help
#   docker run --rm slipstream validate-config /app/config
#
# The image runs `slipstream` (dist/cli/main.js); arguments after the image name are its
# command and flags. Nothing is fetched from the internet at run time.

ARG NODE_IMAGE=node:20-bookworm-slim

# --- build: compile TypeScript (src/ -> dist/), bundle the CLI, with the dev dependencies -
FROM ${NODE_IMAGE} AS build
WORKDIR /src
# Dependencies first, so this layer is reused while only the source changes.
# --ignore-scripts: the root `prepare` script would compile before src/ is copied; the
# compile is the explicit `npm run build` below. No production dependency needs its install
# script (native code such as DuckDB's comes prebuilt in per-platform optional packages).
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY scripts ./scripts
RUN npm run build

# --- runtime: production dependencies, compiled JavaScript, bundled config -----------------
FROM ${NODE_IMAGE} AS runtime

LABEL org.opencontainers.image.title="slipstream" \
      org.opencontainers.image.description="Analysis pipeline for online controlled experiments (A/B tests): the daily job" \
      org.opencontainers.image.licenses="MPL-2.0" \
      org.opencontainers.image.version="0.1.0"

ENV NODE_ENV=production \
    SLIPSTREAM_DUCKDB_PATH=/app/data/slipstream.duckdb \
    SLIPSTREAM_OUTPUT_DIR=/app/data/out

WORKDIR /app
# --omit=dev: no TypeScript, vitest, biome. --ignore-scripts: the `prepare` script runs
# `tsc`, a dev dependency, and would fail here. npm still installs the optional
# dependencies that match this platform: @duckdb/node-bindings-linux-x64 (glibc) on amd64,
# -linux-arm64 on arm64, each shipping a prebuilt duckdb.node.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm cache clean --force \
 && node -e "require('@duckdb/node-bindings')" \
 && mkdir -p /app/data/out \
 && chown -R node:node /app/data

# dist/ reads the bundled metric-hub-style config at ../config relative to itself.
COPY --from=build /src/dist ./dist
COPY config ./config

# The DuckDB file and local exports go to /app/data, writable by `node` (mount a volume
# there to keep them; on BigQuery + GCS nothing needs to persist in the container).
USER node

ENTRYPOINT ["node", "/app/dist/cli/main.js"]
CMD ["--help"]
