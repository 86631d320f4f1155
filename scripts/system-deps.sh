#!/usr/bin/env bash
# Installs the Debian packages the product needs when they are missing. Called by `make run` / `make test`.
#   fonts-noto-cjk  Chinese text in the PDFs (WeasyPrint)
#   gettext         compilemessages (the English translation)
#   nodejs/npm      installs the CSS framework at build time (served by the app, never from a CDN)
#   chromium        the browser tests (test only)
#   poppler-utils   pdftotext/pdftoppm, used by tests that read the PDFs (test only)
#   wrk             the HTTP load generator of bench/bench_load.py (--bench; `make bench`)
set -euo pipefail
want=(fonts-noto-cjk gettext)
command -v npm >/dev/null 2>&1 || want+=(npm)
if [ "${1:-}" = "--test" ]; then
  want+=(chromium poppler-utils)
fi
if [ "${1:-}" = "--bench" ]; then
  want+=(wrk)
fi
missing=()
for pkg in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing Debian packages: ${missing[*]}"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
