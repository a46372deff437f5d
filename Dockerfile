# syntax=docker/dockerfile:1
# Node 26, the current LTS line (CI runs the whole suite on it and on the Node 20 floor: .ci/run).
# Build stage: compiles better-sqlite3 from source, the TypeScript with SWC and the console with Vite.
FROM node:26.12-bookworm-slim AS build
WORKDIR /app
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json .swcrc nest-cli.json ./
COPY apps apps
COPY libs libs
# The console's build generates its API client from createApp, run through the SWC loader hooks.
COPY scripts/console scripts/console
COPY test/setup test/setup
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

# Runtime stage: production dependencies and compiled output only, as the unprivileged node user.
FROM node:26.12-bookworm-slim
ENV NODE_ENV=production PORT=8080 DATA_DIR=/app/data
WORKDIR /app
COPY --from=build --chown=node:node /app/package.json ./
COPY --from=build --chown=node:node /app/node_modules node_modules
COPY --from=build --chown=node:node /app/dist dist
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 8080
VOLUME ["/app/data"]
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "dist/apps/api/src/main.js"]
