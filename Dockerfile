# The outreach bot as an image: docker build -t outreach-bot . (see README → Deployment).
# Two stages: the build stage has the compilers the native SQLite modules need; the runtime stage
# carries only what `node dist/src/main.js` reads.

FROM node:20-bookworm-slim AS build
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# better-sqlite3 and sqlite3 are compiled here for this image's Node, never taken as prebuilt
# binaries from elsewhere (toolchain.md); the headers are the image's own Node's.
ENV npm_config_build_from_source=true npm_config_nodedir=/usr/local
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production DATA_DIR=/data PORT=3000 HOST=0.0.0.0
WORKDIR /app
RUN groupadd --system outreach \
  && useradd --system --gid outreach --home-dir /app --shell /usr/sbin/nologin outreach \
  && mkdir -p /data \
  && chown outreach:outreach /data
# Owned by root, read-only to the service user: only /data is written.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/intents ./intents
COPY --from=build /app/locales ./locales
COPY --from=build /app/units.yaml ./units.yaml
# Read at run time from the source tree (project root), not compiled into dist/.
COPY --from=build /app/src/nlu/data ./src/nlu/data
COPY --from=build /app/src/channels/web/public ./src/channels/web/public
COPY --from=build /app/src/console/public ./src/console/public
USER outreach
VOLUME ["/data"]
EXPOSE 3000
# No curl in the slim image: Node's fetch asks /health.
HEALTHCHECK --interval=30s --timeout=5s --start-period=90s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/src/main.js"]
