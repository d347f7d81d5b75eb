# syntax=docker/dockerfile:1
# lbconf in a container.
#
#   docker build -t lbconf .                       # static binary on distroless, non-root
#   docker build --target haproxy -t lbconf:haproxy .   # plus Debian's haproxy, for push's haproxy -c
#   docker run --rm -v "$PWD:/work" -w /work lbconf lint lb/
#
# Release builds set the version: --build-arg VERSION=v1.2.3 --build-arg COMMIT=$(git rev-parse HEAD)

ARG GO_VERSION=1.26

FROM golang:${GO_VERSION}-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=""
ARG COMMIT=""
# CGO off: a static binary that runs on distroless/static and scratch.
RUN CGO_ENABLED=0 go build -trimpath \
      -ldflags "-s -w -X main.buildVersion=${VERSION} -X main.buildCommit=${COMMIT}" \
      -o /out/lbconf ./cmd/lbconf \
 && /out/lbconf version

# With Debian's haproxy (2.6 on bookworm): push and lint can run haproxy -c.
FROM debian:bookworm-slim AS haproxy
RUN apt-get update \
 && apt-get install -y --no-install-recommends haproxy ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --uid 65532 --create-home --home-dir /home/lbconf --shell /usr/sbin/nologin lbconf
COPY --from=build /out/lbconf /usr/local/bin/lbconf
ENV PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin
USER 65532:65532
WORKDIR /work
ENTRYPOINT ["/usr/local/bin/lbconf"]
CMD ["--help"]

# The default image: the static binary alone, as a non-root user.
FROM gcr.io/distroless/static-debian12:nonroot AS default
COPY --from=build /out/lbconf /usr/local/bin/lbconf
USER 65532:65532
WORKDIR /work
ENTRYPOINT ["/usr/local/bin/lbconf"]
CMD ["--help"]
