# kubematrix as a container image: `docker build -t kubematrix .` (or `buildah bud -t kubematrix .`), then
#   docker run --rm -v "$PWD:/work:ro" -w /work kubematrix scan deploy/
# The final stage holds Node 20, kubematrix and its production dependencies, nothing else of ours: it runs as a
# non-root user, writes nothing to its root filesystem (readOnlyRootFilesystem works) and needs no shell.
# test/install/install.test.ts builds the same final filesystem with buildah and runs a scan from it.

# Build: the dependencies the lockfile pins, the compiled dist/, then the package as npm would publish it.
FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY bin bin
COPY scripts/build-cli.mjs scripts/
COPY src src
COPY examples examples
COPY README.md ./
RUN npm run build && npm pack --ignore-scripts --pack-destination /tmp
# Installed from the tarball, as a user would: production dependencies only, no build step.
WORKDIR /opt/kubematrix
RUN npm install --omit=dev --no-audit --no-fund /tmp/kubematrix-*.tgz && npm cache clean --force

FROM node:20-bookworm-slim
COPY --from=build /opt/kubematrix /opt/kubematrix
# A numeric non-root user, which Kubernetes' runAsNonRoot can verify (deploy/ runs as 65532 too).
USER 65532:65532
ENV PATH=/opt/kubematrix/node_modules/.bin:$PATH NODE_ENV=production
WORKDIR /work
ENTRYPOINT ["kubematrix"]
CMD ["--help"]
