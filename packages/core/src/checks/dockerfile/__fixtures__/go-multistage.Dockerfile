# syntax=docker/dockerfile:1.7
# escape=\

ARG GO_VERSION=1.22.5

FROM --platform=$BUILDPLATFORM golang:${GO_VERSION}-bookworm@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef AS build
ARG TARGETOS TARGETARCH
ARG GO_VERSION
WORKDIR /src
RUN --mount=type=cache,target=/var/lib/apt/lists \
    apt-get update && apt-get install -y --no-install-recommends ca-certificates
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=secret,id=netrc,target=/root/.netrc \
    go mod download
COPY cmd/ ./cmd/
COPY internal/ ./internal/
RUN --mount=type=cache,target=/root/.cache/go-build <<EOF
set -eu
CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH go build -trimpath -ldflags="-s -w" -o /out/server ./cmd/server
echo "built with go ${GO_VERSION}"
EOF

FROM gcr.io/distroless/static-debian12:nonroot@sha256:fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210
COPY --from=build /out/server /server
USER 65532:65532
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s CMD ["/server", "-healthcheck"]
ENTRYPOINT ["/server"]
