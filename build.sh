#!/usr/bin/env bash
# SPDX-License-Identifier: MPL-2.0
# SPDX-FileCopyrightText: 2026 The Pingscope authors
# Pingscope's one entry point on a Debian 12 machine:
#   ./build.sh run [pingscope options]   install dependencies, build, start Pingscope
#   ./build.sh test                      install dependencies, build, run the whole test suite
#   ./build.sh deps | build              only that step
# Set PINGSCOPE_PRESET (dev, ci, asan, tsan) to choose the CMake preset; CI uses "ci".
set -euo pipefail
cd "$(dirname "$0")"

preset="${PINGSCOPE_PRESET:-$([ "${CI:-}" = true ] && echo ci || echo dev)}"

# Debian 12 packages only; nothing is downloaded by the build itself.
packages=(
  g++ cmake make pkg-config
  qt6-base-dev qt6-charts-dev libqt6opengl6-dev libxkbcommon-dev libqt6sql6-sqlite qt6-qpa-plugins
  nlohmann-json3-dev libvalijson-dev zlib1g-dev
  libsqlite3-dev                 # the store writer uses the SQLite C API on Qt's connection
  fonts-dejavu-core
  desktop-file-utils appstream   # packaging checks in the test suite
  curl                           # the window test replays a ping with "Copy as curl"
  xz-utils git                   # tools/update-registry unpacks the generated-schemas snapshot
)

deps() {
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then sudo=(sudo); fi
  local missing=()
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "== installing: ${missing[*]}"
    "${sudo[@]}" apt-get update
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
  fi
}

build() {
  cmake --preset "$preset"
  cmake --build --preset "$preset" -j "$(nproc)"
}

case "${1:-}" in
  deps) deps ;;
  build) deps; build ;;
  run)
    shift
    deps; build
    bin="build/$preset/app/pingscope"
    if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [[ " $* " != *" --headless "* ]]; then
      echo "== no display: starting Pingscope headless (the window needs X11 or Wayland)"
      exec "$bin" --headless "$@"
    fi
    exec "$bin" "$@"
    ;;
  test)
    deps; build
    ctest --preset "$preset" --output-on-failure
    ;;
  *)
    sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
