# The reference results server as an image (README "Deploying the server"). Two stages:
#   build:   the repository with its development install builds the library (dist/) and the
#            server (server/dist/), and packs both as npm would publish them;
#   runtime: `npm install --omit=dev` of the two tarballs (runtime dependencies only: no TypeScript,
#            Vite, Storybook, ESLint…), run as the unprivileged `node` user.
# scripts/pack-check.mjs (part of `npm test`) runs the runtime stage's install and command outside
# Docker, on PGlite and on PostgreSQL.
#
#   docker build -t proctor-elements-server .
#   docker run -p 8080:8080 -e DATABASE_URL=postgres://… -e ADMIN_TOKEN=… proctor-elements-server
ARG NODE_VERSION=22

FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
COPY server/package.json server/
# no install scripts: the build needs none (no binary is downloaded)
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm run build \
  && npm run build -w server \
  && mkdir /packs \
  && npm pack --ignore-scripts --pack-destination /packs \
  && npm pack -w server --ignore-scripts --pack-destination /packs

FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    DATA_DIR=/data
WORKDIR /app
COPY --from=build /packs /tmp/packs
RUN echo '{"name":"proctor-elements-deployment","private":true}' > package.json \
  && npm install --omit=dev --ignore-scripts --no-audit --no-fund /tmp/packs/*.tgz \
  && rm -rf /tmp/packs /root/.npm \
  && mkdir -p /data && chown node:node /data
USER node
# PGlite's folder when DATABASE_URL is unset (one instance only); with PostgreSQL it stays empty
VOLUME /data
EXPOSE 8080
# GET /healthz on 127.0.0.1:$PORT, over HTTPS when TLS_CERT_FILE is set (server/src/healthcheck.ts)
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s \
  CMD ["node", "node_modules/proctor-elements-server/dist/healthcheck.js"]
CMD ["node", "node_modules/proctor-elements-server/dist/main.js"]
