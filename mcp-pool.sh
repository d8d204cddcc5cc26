#!/usr/bin/env bash
# Runs the mcp-pool command: mcp-pool bench, mcp-pool call --url ... --tool ...
# Builds mcp-pool-cli/target/mcp-pool-cli.jar with Maven first when it is missing or older than the project's poms and
# main sources (tests are neither compiled nor run: a test that does not compile elsewhere must not stop
# the command). Needs only Java 17+ and Maven. Build output goes to stderr, so stdout stays the command's.
# Works from the project root or from mcp-pool-cli/, and through a symlink.
set -euo pipefail

here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
if [[ -f "$here/mcp-pool-cli/pom.xml" ]]; then
    root="$here"
else
    root="$(dirname "$here")"
fi
jar="$root/mcp-pool-cli/target/mcp-pool-cli.jar"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"

stale() {
    [[ ! -f "$jar" ]] && return 0
    local changed
    # Every module's pom and main sources: a change in a module the command does not use costs one quick rebuild.
    changed="$(find "$root/pom.xml" "$root"/*/pom.xml "$root"/*/src/main \
        -type f -newer "$jar" -print -quit 2>/dev/null || true)"
    [[ -n "$changed" ]]
}

if stale; then
    if ! command -v mvn >/dev/null 2>&1; then
        echo "error: $jar is missing or out of date, and Maven (mvn) is not on the PATH to build it" >&2
        exit 1
    fi
    echo "mcp-pool: building the command (mvn -q -B -Dmaven.test.skip=true install -pl mcp-pool-cli -am)..." >&2
    # Some Maven builds print colour resets even in batch mode; drop them (pipefail keeps Maven's exit status).
    (cd "$root" && mvn -q -B -Dmaven.test.skip=true install -pl mcp-pool-cli -am 2>&1 | sed 's/\x1b\[[0-9;]*m//g') >&2
fi

exec "$java" -jar "$jar" "$@"
