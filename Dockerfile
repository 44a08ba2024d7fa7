# syntax=docker/dockerfile:1
# eControl server image: API, Socket.IO gateway and the console (static export), one process.
# Build:  docker build -t econtrol:latest .
# Run:    see deploy/README.md (compose, Kubernetes) — the image runs embedded (PGlite in /app/data)
#         without DATABASE_URL, scaled with DATABASE_URL + REDIS_URL.

ARG NODE_IMAGE=node:24-bookworm-slim

# ---------------------------------------------------------------------------------------------
# 1. build: every dependency (dev included), then `npm run build` (tsc -b, agent bundle, console)
FROM ${NODE_IMAGE} AS build
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1 \
    npm_config_update_notifier=false \
    npm_config_fund=false \
    npm_config_audit=false
# manifests first, so the dependency layer is cached while only sources change
COPY package.json package-lock.json ./
COPY packages/contracts/package.json packages/contracts/
COPY packages/billing/package.json packages/billing/
COPY apps/server/package.json apps/server/
COPY apps/agent/package.json apps/agent/
COPY apps/web/package.json apps/web/
RUN --mount=type=cache,target=/root/.npm npm ci
COPY . .
RUN npm run build -- --force \
 && test -f apps/server/dist/main.js \
 && test -f apps/web/out/index.html

# ---------------------------------------------------------------------------------------------
# 2. deps: production dependencies of the server workspace only (no Next.js, no dev tools).
#    @electric-sql/pglite stays: it is a runtime dependency even in scaled mode.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
ENV npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
COPY package.json package-lock.json ./
COPY packages/contracts/package.json packages/contracts/
COPY packages/billing/package.json packages/billing/
COPY apps/server/package.json apps/server/
COPY apps/agent/package.json apps/agent/
COPY apps/web/package.json apps/web/
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --workspace=@econtrol/server

# ---------------------------------------------------------------------------------------------
# 3. runtime: built files + production node_modules, owned by root, run as the unprivileged `node`
FROM ${NODE_IMAGE} AS runtime
LABEL org.opencontainers.image.title="eControl" \
      org.opencontainers.image.description="Open platform to run LAN / gaming centers" \
      org.opencontainers.image.licenses="AGPL-3.0-only"
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/app/data
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json package-lock.json ./
COPY --from=build /app/packages/contracts/package.json packages/contracts/
COPY --from=build /app/packages/contracts/dist packages/contracts/dist
COPY --from=build /app/packages/billing/package.json packages/billing/
COPY --from=build /app/packages/billing/dist packages/billing/dist
COPY --from=build /app/apps/server/package.json apps/server/
COPY --from=build /app/apps/server/dist apps/server/dist
COPY --from=build /app/apps/server/drizzle apps/server/drizzle
COPY --from=build /app/apps/web/out apps/web/out
# embedded mode keeps its database here (mount a volume); scaled mode does not use it
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
STOPSIGNAL SIGTERM
CMD ["node", "apps/server/dist/main.js"]
