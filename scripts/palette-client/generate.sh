#!/usr/bin/env bash
# Generates a client from Palette's published spec (test/palette/spec/apikeys.swagger.json) with
# openapi-generator, the generator most Palette users reach for, taken from Maven Central:
#   generate.sh typescript-fetch   a fetch-based TypeScript client
#   generate.sh java               Java okhttp-gson (its models refuse unknown members), compiled with
#                                  the test driver test/palette/java/PaletteFlow.java; writes cp.txt
# Output is build output under .cache/palette-client/<generator>/ (git-ignored), regenerated on every
# run; prints that folder. Needs Java 11+ and Maven (downloads happen on the first run only).
set -euo pipefail
cd "$(dirname "$0")/../.."

GENERATOR=${1:-typescript-fetch}
VERSION=7.22.0
JAR_DIR=.cache/openapi-generator
JAR="$JAR_DIR/openapi-generator-cli-$VERSION.jar"
OUT=.cache/palette-client/$GENERATOR

command -v java >/dev/null || { echo "java is required to generate the Palette client" >&2; exit 1; }
command -v mvn >/dev/null || { echo "mvn is required to fetch openapi-generator-cli $VERSION" >&2; exit 1; }
if [ ! -f "$JAR" ]; then
  mvn -q -B dependency:copy "-Dartifact=org.openapitools:openapi-generator-cli:$VERSION" "-DoutputDirectory=$JAR_DIR" >&2
fi
rm -rf "$OUT"
case "$GENERATOR" in
  typescript-fetch)
    java -jar "$JAR" generate -g typescript-fetch -i test/palette/spec/apikeys.swagger.json -o "$OUT" \
      --additional-properties=supportsES6=true,importFileExtension=.js >&2
    ;;
  java)
    package=io.keystream.palette
    java -jar "$JAR" generate -g java --library okhttp-gson -i test/palette/spec/apikeys.swagger.json -o "$OUT" \
      --additional-properties=groupId=io.keystream.test,artifactId=palette-client,invokerPackage=$package,apiPackage=$package.api,modelPackage=$package.model,hideGenerationTimestamp=true >&2
    cp test/palette/java/PaletteFlow.java "$OUT/src/main/java/io/keystream/palette/"
    (cd "$OUT" && mvn -q -B compile -Dmaven.test.skip=true -Dmaven.javadoc.skip=true >&2 \
      && mvn -q -B dependency:build-classpath -Dmdep.outputFile=cp.txt >&2)
    ;;
  *) echo "unknown generator $GENERATOR" >&2; exit 2 ;;
esac
echo "$OUT"
