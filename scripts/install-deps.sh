#!/usr/bin/env bash
# Installs the Debian packages keepa-ingest needs, only those missing.
# Quiet and quick when everything is present; runs apt-get update only when
# something has to be installed.
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  libcaf-dev libboost1.81-dev rapidjson-dev libsqlite3-dev libspdlog-dev
  doctest-dev libssl-dev zlib1g-dev sqlite3 ca-certificates
)

# The test command checks the formatting (scripts/format.sh --check), drives
# the deal board in headless Chromium (tests/browser) and checks /metrics
# with promtool (Debian's prometheus package).
if [ "${KEEPA_TESTS:-}" = 1 ] || [ "${CI:-}" = true ]; then
  packages+=(clang-format chromium chromium-driver python3-selenium prometheus)
fi

# CI also fuzzes (scripts/fuzz.sh): clang and its libFuzzer runtime.
if [ "${CI:-}" = true ] || [ "${FUZZ:-}" = 1 ]; then
  packages+=(clang libclang-rt-14-dev)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' \
    || missing+=("$p")
done

[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}"
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
