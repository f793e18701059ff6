#!/usr/bin/env bash
# Refreshes the API reference renderer that the hub embeds and serves at
# /docs (hub/httpapi/assets). The files are checked in, so `go build` never
# needs npm; run this only to move to another Redoc release:
#
#   REDOC_VERSION=2.5.5 REDOC_SHA256=<sha256 of the .tgz> scripts/update-docs-renderer.sh
#
# Without REDOC_SHA256 for a new version the script prints the tarball's
# checksum and stops, so a version is always pinned together with its bytes.
# Redoc 2.x is used, not 3.x: 3.x reports telemetry to Redocly and loads
# icons from its CDN by default, and the page must work with no network.
set -euo pipefail

REDOC_VERSION="${REDOC_VERSION:-2.5.4}"
REDOC_SHA256="${REDOC_SHA256:-}"
if [ -z "$REDOC_SHA256" ] && [ "$REDOC_VERSION" = "2.5.4" ]; then
	REDOC_SHA256=44922df4d0eb45c1b066c09ec251e6bd9bd7ded16bc69e87613337b9d911a56e
fi

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="$root/hub/httpapi/assets"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

(cd "$tmp" && npm pack --silent "redoc@${REDOC_VERSION}" >/dev/null)
tgz="$tmp/redoc-${REDOC_VERSION}.tgz"
sum="$(sha256sum "$tgz" | cut -d' ' -f1)"
if [ -z "$REDOC_SHA256" ]; then
	echo "redoc@${REDOC_VERSION}: sha256 $sum" >&2
	echo "check the release, then run again with REDOC_SHA256=$sum (and pin it in this script)" >&2
	exit 1
fi
if [ "$sum" != "$REDOC_SHA256" ]; then
	echo "redoc@${REDOC_VERSION}: sha256 $sum, want $REDOC_SHA256" >&2
	exit 1
fi

tar -xzf "$tgz" -C "$tmp"
pkg="$tmp/package"
license="$(node -p "require('$pkg/package.json').license")"
if [ "$license" != "MIT" ]; then
	echo "redoc@${REDOC_VERSION} is licensed $license, not MIT; review before bundling" >&2
	exit 1
fi
# The page is served with a Content-Security-Policy that keeps it on the
# hub; still, say so when a release starts pointing somewhere new.
echo "Redocly addresses in the bundle (the page's CSP blocks loading from them):" >&2
grep -o 'https://[a-z0-9.-]*\(redoc\|redocly\)[a-z0-9./-]*' "$pkg/bundles/redoc.standalone.js" | sort -u | sed 's/^/  /' >&2 || true

mkdir -p "$dest"
cp "$pkg/bundles/redoc.standalone.js" "$dest/redoc.standalone.js"
cp "$pkg/bundles/redoc.standalone.js.LICENSE.txt" "$dest/redoc.standalone.js.LICENSE.txt"
cp "$pkg/LICENSE" "$dest/LICENSE"
printf 'redoc@%s sha256:%s\n' "$REDOC_VERSION" "$sum" >"$dest/VERSION"
echo "updated $dest to redoc@${REDOC_VERSION}"
