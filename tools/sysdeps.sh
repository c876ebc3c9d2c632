#!/usr/bin/env bash
# System libraries Qt needs on Debian/Ubuntu (offscreen and xcb), CJK fonts, and Xvfb for screenshots.
# Installs what is missing when run as root with apt-get; otherwise prints the command and carries on.
set -u
PKGS=(libxcb-cursor0 libxkbcommon-x11-0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0
      libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 libegl1 libgl1 libfontconfig1
      libdbus-1-3 fonts-noto-cjk xvfb xauth)
command -v dpkg-query >/dev/null || { echo "sysdeps: not a Debian-like system; install Qt's runtime libraries yourself"; exit 0; }
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then echo "sysdeps: all present"; exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "sysdeps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || { echo "sysdeps: apt-get failed; Qt may not start"; exit 0; }
else
  echo "sysdeps: missing ${missing[*]} — run: sudo apt-get install ${missing[*]}"
fi
