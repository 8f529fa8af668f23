# syntax=docker/dockerfile:1
# One image per Tideline service, built from the repository root:
#   docker build -f deploy/docker/service.Dockerfile --build-arg APP=collector -t tideline-collector .
# APP is one of collector, baseline, anomaly, reporter (a folder under apps/).

ARG NODE_IMAGE=node:24-bookworm
ARG RUNTIME_IMAGE=node:24-bookworm-slim

# --- build: every dependency, then compile the app and the libraries it references ---------------------------
FROM ${NODE_IMAGE} AS build
ARG APP
WORKDIR /app
COPY . .
# --ignore-scripts: the root "prepare" script compiles the whole repository; here we compile only the one app below.
RUN --mount=type=cache,target=/root/.npm npm ci --ignore-scripts --no-audit --no-fund
RUN test -n "${APP}" && test -f "apps/${APP}/tsconfig.json" || { echo "build-arg APP must name a folder under apps/ (got '${APP}')" >&2; exit 1; }
RUN npx tsc -b "apps/${APP}"

# --- deps: production dependencies only, so the runtime image carries no compiler or test tools ---------------
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json ./
# npm ci needs every workspace's package.json to lay out the workspace links in node_modules/@tideline.
COPY --from=build /app/apps /app/apps
COPY --from=build /app/libs /app/libs
COPY --from=build /app/tools/devstack/package.json /app/tools/devstack/package.json
COPY --from=build /app/tools/bench/package.json /app/tools/bench/package.json
COPY --from=build /app/tools/deploy-checks/package.json /app/tools/deploy-checks/package.json
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --ignore-scripts --no-audit --no-fund

# --- runtime ---------------------------------------------------------------------------------------------------
FROM ${RUNTIME_IMAGE}
ARG APP
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/package.json ./
# Workspace libraries resolve through the symlinks in node_modules/@tideline to libs/<name> (package.json + dist).
COPY --from=build /app/libs ./libs
COPY --from=build /app/apps/${APP}/package.json ./apps/${APP}/package.json
COPY --from=build /app/apps/${APP}/dist ./apps/${APP}/dist
# Inside a container the service must listen on every interface (the config default is loopback).
ENV TIDELINE__HTTP__HOST=0.0.0.0 \
    TIDELINE_SERVICE=${APP}
# A writable home for a service's files (the reporter's reports and queue); a volume mounted here inherits the owner.
RUN mkdir -p /var/lib/tideline && chown node:node /var/lib/tideline
USER node
WORKDIR /app/apps/${APP}
# Healthy means every dependency answers (GET /health). The port is HTTP_PORT, else the service's default port.
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "const p=process.env.HTTP_PORT||require('@tideline/config').DEFAULT_HTTP_PORTS[process.env.TIDELINE_SERVICE];fetch('http://127.0.0.1:'+p+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Exec form: node is PID 1 and receives SIGTERM itself, closes its connections and exits 0.
CMD ["node", "--enable-source-maps", "dist/main.js"]
