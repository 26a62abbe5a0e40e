// An example Dockerfile for the image the swarm pods run: this repository with its
// dependencies, `npx emqx-harness` as the entrypoint. Users build and push it themselves;
// the project publishes no image.

export function exampleDockerfile(): string {
  return `# Example image for the MQTT swarm pods of \`emqx-harness k8s\` (the k6 side runs grafana/k6).
# Build it from the root of this repository and push it where your cluster pulls from:
#   docker build -t ghcr.io/<you>/emqx-api-harness:<tag> -f Dockerfile .
#   docker push ghcr.io/<you>/emqx-api-harness:<tag>
# then generate the manifests with --image ghcr.io/<you>/emqx-api-harness:<tag>.
# A .dockerignore holding the three lines
#   node_modules
#   reports
#   .git
# keeps your local node_modules out of the image and the build context small.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NPM_CONFIG_UPDATE_NOTIFIER=false NPM_CONFIG_FUND=false NPM_CONFIG_AUDIT=false
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
# no root needed: the swarm only opens outgoing connections
USER node
ENTRYPOINT ["npx", "emqx-harness"]
CMD ["--help"]
`;
}
