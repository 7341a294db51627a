# chatplay's container image: a static binary on a small Alpine base, run as
# an unprivileged user, with the SQLite data folder a volume.
#
#   docker build -t chatplay \
#     --build-arg VERSION=$(git describe --tags --always --dirty) \
#     --build-arg COMMIT=$(git rev-parse HEAD) \
#     --build-arg DATE=$(date -u +%Y-%m-%dT%H:%M:%SZ) .
#
# compose.yaml runs it with PostgreSQL; README.md, "Operating chatplay".

ARG GO_VERSION=1.26

FROM golang:${GO_VERSION}-alpine AS build
WORKDIR /src
# Modules first: this layer is rebuilt only when go.mod or go.sum change.
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
ARG VERSION=dev
ARG COMMIT=
ARG DATE=
# Pure Go (modernc.org/sqlite needs no cgo): a static binary, with no paths
# of this machine in it (-trimpath), its version from the build arguments.
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 go build -trimpath -buildvcs=false \
      -ldflags "-s -w -X main.version=${VERSION} -X main.commit=${COMMIT} -X main.date=${DATE}" \
      -o /out/chatplay ./cmd/chatplay

FROM alpine:3.22
# CA certificates for the model server, Telegram and Discord over HTTPS;
# tzdata for the log's local time, if TZ is set.
RUN apk add --no-cache ca-certificates tzdata \
 && addgroup -S -g 10001 chatplay \
 && adduser -S -D -H -u 10001 -G chatplay -h /data chatplay \
 && mkdir -p /data /etc/chatplay \
 && chown chatplay:chatplay /data
COPY --from=build /out/chatplay /usr/local/bin/chatplay
COPY config.yaml /etc/chatplay/config.yaml
USER chatplay:chatplay
WORKDIR /data
# The SQLite database, when no PostgreSQL URL is given; keep it on a volume.
VOLUME ["/data"]
ENV CHATPLAY_SERVER_ADDR=":8080" \
    CHATPLAY_DATABASE_URL="sqlite:/data/chatplay.db"
EXPOSE 8080
# /readyz answers 200 while the database answers (busybox wget is in the image).
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD wget -q -O /dev/null http://127.0.0.1:8080/readyz || exit 1
ENTRYPOINT ["chatplay"]
CMD ["serve", "-config", "/etc/chatplay/config.yaml"]
