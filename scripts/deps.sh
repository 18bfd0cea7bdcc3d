#!/bin/sh
# deps.sh: install what the build and the tests need and is missing:
# Debian packages with apt-get, npm packages from package-lock.json.
# clang and libclang-rt-dev (libFuzzer's runtime, libclang_rt.fuzzer) build
# the fuzz targets of tests/fuzz/.
# Safe to run again: it installs nothing that is already there.
set -eu
cd "$(dirname "$0")/.."

# john-data and cracklib-runtime: their lists of common passwords and words
# are compiled into the program (Makefile WORDLISTS, src/base/pwcheck.c).
# The month's documents (src/doc/): cairo and pango draw the PDF in the CJK
# fonts of fonts-noto-cjk, cut to GB 2312 by python3-fonttools at the build
# (scripts/fonts.py); the tests open the DOCX and XLSX with headless
# LibreOffice and read the PDF with poppler-utils (pdftotext, pdftoppm, pdffonts).
# `make deb` needs dpkg-dev (dpkg-shlibdeps); its test reads the manual page
# with groff and the unit with systemd-analyze (systemd).
PKGS="build-essential pkg-config libmicrohttpd-dev libjansson-dev libsqlite3-dev
libpq-dev libsodium-dev libssl-dev libxlsxwriter-dev libzip-dev libxml2-dev libcsv-dev
libcmocka-dev postgresql sqlite3 john-data cracklib-runtime clang libclang-rt-dev
libcairo2-dev libpango1.0-dev libfontconfig-dev libzstd-dev fonts-noto-cjk python3-fonttools
poppler-utils libreoffice-writer-nogui libreoffice-calc-nogui dpkg-dev groff-base systemd"

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
# Node.js may come from elsewhere than Debian (it brings its own npm)
command -v node >/dev/null 2>&1 || missing="$missing nodejs"
command -v npm >/dev/null 2>&1 || missing="$missing npm"
if [ -n "$missing" ]; then
	echo "deps: installing Debian packages:$missing"
	SUDO=""
	[ "$(id -u)" -eq 0 ] || SUDO="sudo"
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
fi

# npm packages, pinned by the lock files (the test tools at the top, the
# browser application in web/); reinstalled when a lock changes
for dir in . web; do
	[ -f "$dir/package-lock.json" ] || continue
	stamp=$dir/node_modules/.lock-stamp
	if [ ! -f "$stamp" ] || ! cmp -s "$dir/package-lock.json" "$stamp"; then
		echo "deps: npm ci in $dir"
		(cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
		cp "$dir/package-lock.json" "$stamp"
	fi
done

# the browser tests drive Debian's chromium (make check only)
if [ "${1:-}" = "--test" ] && [ ! -x /usr/bin/chromium ]; then
	echo "deps: installing chromium for the browser tests"
	SUDO=""
	[ "$(id -u)" -eq 0 ] || SUDO="sudo"
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
		chromium fonts-noto-cjk
fi
