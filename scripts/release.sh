#!/usr/bin/env bash
# Builds chatplay's release binaries: linux, darwin and windows on amd64 and
# arm64, static (CGO_ENABLED=0), without local paths (-trimpath), with the
# version, commit and build date set (chatplay version prints them), into
# dist/, with their SHA-256 checksums in dist/SHA256SUMS.
#
#   scripts/release.sh                 # version from git describe
#   VERSION=v1.2.0 scripts/release.sh  # or: make release VERSION=v1.2.0
#
# Also read: COMMIT and DATE (default: the checkout's HEAD, and now, UTC),
# DIST (the output folder, default dist) and TARGETS (GOOS/GOARCH pairs).
# Verify a download with: sha256sum -c --ignore-missing SHA256SUMS
set -euo pipefail
cd "$(dirname "$0")/.."

version=${VERSION:-$(git describe --tags --always --dirty 2>/dev/null || echo dev)}
commit=${COMMIT:-$(git rev-parse HEAD 2>/dev/null || true)}
date=${DATE:-$(date -u +%Y-%m-%dT%H:%M:%SZ)}
dist=${DIST:-dist}
targets=${TARGETS:-linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64}
ldflags="-s -w -X main.version=$version -X main.commit=$commit -X main.date=$date"

rm -rf "$dist"
mkdir -p "$dist"
for target in $targets; do
  goos=${target%/*} goarch=${target#*/}
  out="$dist/chatplay-$version-$goos-$goarch"
  [ "$goos" = windows ] && out="$out.exe"
  echo "release: $out"
  # GOFLAGS cleared: a -race from the caller's environment needs cgo.
  GOFLAGS= CGO_ENABLED=0 GOOS=$goos GOARCH=$goarch \
    go build -trimpath -buildvcs=false -ldflags "$ldflags" -o "$out" ./cmd/chatplay
done

cd "$dist"
if command -v sha256sum >/dev/null; then
  sha256sum chatplay-* > SHA256SUMS
else # macOS
  shasum -a 256 chatplay-* > SHA256SUMS
fi
echo "release: $version ($commit, $date): $(ls chatplay-* | wc -l) binaries and SHA256SUMS in $dist/"
