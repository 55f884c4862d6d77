# The portal as a non-root image: one static binary (templ output, migrations and static files
# are embedded in it) and Debian's qpdf, the parser that checks uploaded PDF reports. Production needs DATABASE_URL and
# CDP_BASE_URL (the embedded PostgreSQL of `make run` is not in the image).
#
# No Docker engine runs on the development machines: `go test ./cmd/portal -run
# TestStaticBuild` runs this build command outside Docker and checks the result is static.

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/portal ./cmd/portal

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends qpdf && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 65532 --no-create-home nonroot
COPY --from=build /out/portal /portal
USER nonroot:nonroot
ENV PORTAL_ADDR=0.0.0.0:8080
EXPOSE 8080
ENTRYPOINT ["/portal"]
CMD ["serve"]
