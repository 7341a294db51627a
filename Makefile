# Everyday commands; the release itself is scripts/release.sh.
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT  ?= $(shell git rev-parse HEAD 2>/dev/null)
DATE    ?= $(shell date -u +%Y-%m-%dT%H:%M:%SZ)
LDFLAGS := -s -w -X main.version=$(VERSION) -X main.commit=$(COMMIT) -X main.date=$(DATE)

.PHONY: build release test docker clean

# build: ./chatplay for this machine, with its version set.
build:
	CGO_ENABLED=0 go build -trimpath -ldflags "$(LDFLAGS)" -o chatplay ./cmd/chatplay

# release: every platform into dist/, with SHA256SUMS.
release:
	VERSION=$(VERSION) COMMIT=$(COMMIT) DATE=$(DATE) scripts/release.sh

test:
	go test ./...

# docker: the container image chatplay:$(VERSION) (needs a Docker daemon).
docker:
	docker build --build-arg VERSION=$(VERSION) --build-arg COMMIT=$(COMMIT) --build-arg DATE=$(DATE) -t chatplay:$(VERSION) .

clean:
	rm -rf dist chatplay
