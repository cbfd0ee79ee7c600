#!/usr/bin/env sh
# Copy the project's current theme and settings into a generated repository (its data and profiles stay).
# usage: benchmarks/sync.sh benchmarks/repos/10k
set -eu
here="$(cd "$(dirname "$0")/.." && pwd)"
for name in themes pelicanconf.py publishconf.py content/pages volunteers/schema.json data; do
  rm -rf "$1/$name"
  cp -R "$here/$name" "$1/$name"
done
