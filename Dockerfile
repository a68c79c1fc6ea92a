# aigate: one stateless replica. Build context is the repository root.
FROM node:20-bookworm-slim AS build
# better-sqlite3 compiles from source when no prebuilt binary can be fetched.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY scripts ./scripts
COPY src ./src
COPY web ./web
# `npm ci` runs `prepare`, which compiles src/ into dist/; dev dependencies go afterwards.
RUN npm ci && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
ENV NODE_ENV=production AIGATE_HOST=0.0.0.0 PORT=8080 AIGATE_DATA_DIR=/data
RUN mkdir -p /data /images && chown node:node /data /images
USER node
EXPOSE 8080
# SIGTERM drains: new requests are refused, generations in flight get AIGATE_SHUTDOWN_GRACE_SECONDS.
STOPSIGNAL SIGTERM
# The same Node flags as `npm start` (decisions 97, 105, 109 and 111; the README says why).
CMD ["node", "--max-semi-space-size=4", "--no-memory-reducer", "--single-threaded-gc", "bin/aigate.js", "serve"]
