#!/usr/bin/env bash
# Generates a TypeScript client from Palette's published spec (test/palette/spec/apikeys.swagger.json)
# with openapi-generator, the generator most Palette users would reach for, taken from Maven Central.
# Output is build output: .cache/palette-client/ (git-ignored), regenerated on every run.
# Prints the folder of the generated client. Needs Java 11+ and Maven (for the first download only).
set -euo pipefail
cd "$(dirname "$0")/../.."

VERSION=7.22.0
JAR_DIR=.cache/openapi-generator
JAR="$JAR_DIR/openapi-generator-cli-$VERSION.jar"
OUT=.cache/palette-client/typescript-fetch

command -v java >/dev/null || { echo "java is required to generate the Palette client" >&2; exit 1; }
if [ ! -f "$JAR" ]; then
  command -v mvn >/dev/null || { echo "mvn is required to fetch openapi-generator-cli $VERSION" >&2; exit 1; }
  mvn -q -B dependency:copy "-Dartifact=org.openapitools:openapi-generator-cli:$VERSION" "-DoutputDirectory=$JAR_DIR" >&2
fi
rm -rf "$OUT"
java -jar "$JAR" generate -g typescript-fetch -i test/palette/spec/apikeys.swagger.json -o "$OUT" \
  --additional-properties=supportsES6=true,importFileExtension=.js >&2
echo "$OUT"
