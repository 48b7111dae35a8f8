#!/usr/bin/env bash
# Builds the benchmark plugin (one processor, StartStamp) into $1 with javac against plugin-api.
set -euo pipefail
HERE="$(cd "$(dirname "$(readlink -f "$0")")" && pwd)"
OUT="$1"
API=$(ls "$HERE"/../../plugin-api/target/schedulerx-plugin-api-*.jar | grep -v -e sources -e javadoc | head -n 1)
CLASSES=$(mktemp -d)
javac -d "$CLASSES" -cp "$API" --release 17 "$HERE"/src/dev/schedulerx/bench/*.java
cp -r "$HERE/META-INF" "$CLASSES/"
jar cf "$OUT" -C "$CLASSES" .
rm -rf "$CLASSES"
