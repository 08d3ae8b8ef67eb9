#!/usr/bin/env bash
# The JVM tool chain the Kotlin and Java generator tests run, from Maven Central: the Kotlin
# compiler (tests/jvm/kotlinc), Segment's analytics-kotlin core (tests/jvm/kotlin) and
# analytics-java (tests/jvm/java), each copied with its dependencies into that folder's lib/.
# javac and java come with the JDK (17). Idempotent and repeatable offline: a lib/ that is
# complete for its pom (recorded in lib/.pom.sha256) is left alone, and Maven reads its local
# repository before the network.
set -euo pipefail
cd "$(dirname "$0")/../jvm"
if ! command -v mvn >/dev/null 2>&1 || ! command -v javac >/dev/null 2>&1; then
  echo "setup: mvn or javac is missing (install a JDK 17 and Maven 3);" \
       "the Kotlin and Java generator tests will be skipped" >&2
  exit 0
fi
for part in kotlinc kotlin java; do
  stamp="$part/lib/.pom.sha256"
  want="$(sha256sum "$part/pom.xml" | cut -d' ' -f1)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    continue
  fi
  rm -rf "$part/lib"
  # Batch mode and no colour; jansi.noreset: Maven's console library still writes an ANSI reset
  # code (ESC[0m) at start and exit otherwise, raw control characters in a setup log.
  (cd "$part" && MAVEN_OPTS="${MAVEN_OPTS:-} -Djansi.noreset=true" \
    mvn -q -B -Dstyle.color=never dependency:copy-dependencies -DoutputDirectory=lib \
    -Dmdep.useRepositoryLayout=false)
  echo "$want" > "$stamp"
done
