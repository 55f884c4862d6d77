#!/usr/bin/env bash
# Installs what the end-to-end suite (internal/e2e) needs, from Debian's and
# npm's registries only, and nothing at test time:
#   - Debian's Chromium as its headless shell (chromium-headless-shell), the build Playwright
#     itself runs headless: the full browser's headless mode costs the journeys half again
#     as much CPU;
#   - playwright-core (the Playwright driver) and axe-core, pinned by
#     tools/playwright/package-lock.json;
#   - .tools/playwright-driver/, laid out as playwright-go's driver directory:
#       package -> tools/playwright/node_modules/playwright-core  (package/cli.js)
#       node    -> this machine's node binary
# Safe to run repeatedly; a quick no-op when everything is in place.
# Prints the line to export on stdout; progress goes to stderr.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tools=$root/tools/playwright
driver=$root/.tools/playwright-driver
chromium=/usr/lib/chromium/chromium-headless-shell
driver_version=1.52.0 # what playwright-go v0.5200.1 checks for

log() { echo "install-e2e-tools: $*" >&2; }

# apt_get runs apt-get, waiting while another process holds apt's or dpkg's
# lock (apt-get update does not honour DPkg::Lock::Timeout, so retry).
apt_get() {
	local deadline=$((SECONDS + 900)) out
	out=$(mktemp)
	until DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 "$@" 2>&1 | tee "$out" >&2; do
		if ! grep -qE 'Could not get lock|Unable to lock|Unable to acquire' "$out" || ((SECONDS >= deadline)); then
			rm -f "$out"
			return 1
		fi
		log "apt is busy in another process; waiting for its lock"
		sleep 5
	done
	rm -f "$out"
}

if [[ ! -x $chromium ]]; then
	log "installing Debian's chromium-headless-shell"
	apt_get update
	apt_get install -y chromium-headless-shell
	[[ -x $chromium ]] || {
		log "apt installed chromium-headless-shell but $chromium is missing"
		exit 1
	}
fi

for cmd in node npm; do
	command -v "$cmd" >/dev/null || {
		log "$cmd is required (Node.js 18 or later) but was not found"
		exit 1
	}
done

# npm ci only when the lockfile changed since the last install.
stamp=$tools/node_modules/.installed-lock.sha256
want=$(sha256sum "$tools/package-lock.json" | cut -d' ' -f1)
if [[ ! -f $stamp || $(<"$stamp") != "$want" ]]; then
	log "npm ci in tools/playwright"
	(cd "$tools" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --ignore-scripts --prefer-offline --no-audit --no-fund >&2)
	echo "$want" >"$stamp"
fi

# The driver directory: playwright-go runs <dir>/node <dir>/package/cli.js.
mkdir -p "$root/.tools"
[[ -f $root/.tools/.gitignore ]] || echo '*' >"$root/.tools/.gitignore"
mkdir -p "$driver"
node_bin=$(readlink -f "$(command -v node)")
[[ $(readlink "$driver/package" || true) == ../../tools/playwright/node_modules/playwright-core ]] ||
	ln -sfn ../../tools/playwright/node_modules/playwright-core "$driver/package"
[[ $(readlink "$driver/node" || true) == "$node_bin" ]] || ln -sfn "$node_bin" "$driver/node"

# The same check playwright-go makes before it starts the driver.
got=$("$driver/node" "$driver/package/cli.js" --version)
[[ $got == *"$driver_version"* ]] || {
	log "driver reports '$got', want $driver_version"
	exit 1
}

echo "export PLAYWRIGHT_DRIVER_PATH=$driver"
