#!/usr/bin/env bash
# Tideline's two commands, for a fresh clone on a machine with Node.js (any recent version), Java 17+, Maven and apt:
#   bash tools/dev.sh start   installs what is missing, builds, then `tideline up` (local stack + the four services)
#   bash tools/dev.sh test    installs what is missing, then format check, lint, typecheck/build, unit tests,
#                             integration tests against real Kafka + InfluxDB (started here only if not running);
#                             lint, build and tests through every project's Nx targets
#   bash tools/dev.sh stop    `tideline down`
#   bash tools/dev.sh setup   only the checks and installs (Node.js 24 into .tideline/toolchain, npm ci)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
TIDELINE_HOME="${TIDELINE_HOME:-$ROOT/.tideline}"
TOOLCHAIN="$TIDELINE_HOME/toolchain"
NODE_MAJOR=24
export NX_DAEMON=false

# ---------------------------------------------------------------------------------------------------- output helpers
if [[ -t 1 ]]; then BOLD=$'\e[1m' RED=$'\e[31m' GREEN=$'\e[32m' DIM=$'\e[2m' RESET=$'\e[0m'; else BOLD='' RED='' GREEN='' DIM='' RESET=''; fi
now_us() { local t="${EPOCHREALTIME:-}"; if [[ -n "$t" ]]; then echo "${t/[.,]/}"; else echo "$((SECONDS * 1000000))"; fi; }
SCRIPT_START="$(now_us)"
since() { local us=$(($(now_us) - $1)); printf '%d.%d s' $((us / 1000000)) $((us % 1000000 / 100000)); }
header() { printf '\n%s==> %s%s\n' "$BOLD" "$1" "$RESET"; }
fail() { printf '%s%s%s\n' "$RED" "tools/dev.sh: $1" "$RESET" >&2; exit 1; }

# `step "title" command...`: runs one section with a header and its elapsed time; records the outcome for the summary.
SUMMARY=()
FAILED=0
step() {
  local title="$1" start status=0
  shift
  header "$title"
  start="$(now_us)"
  "$@" || status=$?
  if [[ $status -eq 0 ]]; then
    printf '%s<== %s: ok (%s)%s\n' "$GREEN" "$title" "$(since "$start")" "$RESET"
    SUMMARY+=("ok      $(since "$start")  $title")
  else
    printf '%s<== %s: FAILED, exit code %d (%s)%s\n' "$RED" "$title" "$status" "$(since "$start")" "$RESET"
    SUMMARY+=("FAILED  $(since "$start")  $title")
    FAILED=1
  fi
  return $status
}

print_summary() {
  header "summary ($(since "$SCRIPT_START") in all)"
  local line
  for line in "${SUMMARY[@]}"; do printf '  %s\n' "$line"; done
}

# ------------------------------------------------------------------------------------------------------------ setup
check_java() {
  local java=java version major
  if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then java="$JAVA_HOME/bin/java"; fi
  command -v "$java" >/dev/null 2>&1 ||
    fail "Java 17 or newer is needed to run Kafka and was not found. Install it: sudo apt-get install -y openjdk-17-jre-headless"
  version="$("$java" -version 2>&1 | sed -n 's/.*version "\([^"]*\)".*/\1/p' | head -n 1)"
  major="${version%%[.-]*}"
  if [[ "$major" == 1 ]]; then major="$(echo "$version" | cut -d. -f2)"; fi
  [[ "$major" =~ ^[0-9]+$ ]] || fail "could not read the Java version from \`$java -version\`"
  ((major >= 17)) ||
    fail "Kafka 4 needs Java 17 or newer; $java is Java $major. Install it: sudo apt-get install -y openjdk-17-jre-headless (or set JAVA_HOME)"
  echo "java:     $version ($(command -v "$java"))"
}

check_maven() {
  command -v mvn >/dev/null 2>&1 ||
    fail "Maven is needed to fetch the Kafka jars from Maven Central and was not found. Install it: sudo apt-get install -y maven"
  echo "maven:    $(mvn -v 2>/dev/null | head -n 1 | sed 's/\x1b\[[0-9;]*m//g')"
}

check_influxdb() {
  if command -v influxd >/dev/null 2>&1; then
    echo "influxd:  $(influxd version 2>/dev/null | head -n 1)"
  elif command -v apt-get >/dev/null 2>&1; then
    echo "influxd:  not installed yet; \`tideline stack up\` installs Debian's influxdb package with apt-get"
  else
    fail "InfluxDB 1.x (influxd) is not installed and apt-get is not available to install it: install InfluxDB 1.x so that influxd is on PATH"
  fi
}

# The report rendering test drives Debian's Chromium with playwright-core (no browser download): install it when missing.
setup_browser() {
  local chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
  if [[ -x "$chromium" ]]; then
    echo "chromium: $("$chromium" --version 2>/dev/null | head -n 1)"
    return
  fi
  command -v apt-get >/dev/null 2>&1 ||
    fail "the report rendering test needs Chromium at $chromium; install it (Debian: apt-get install -y chromium) or set CHROMIUM_PATH"
  echo "chromium: not installed; installing Debian's chromium package with apt-get"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  [[ -x "$chromium" ]] || fail "apt-get installed chromium but $chromium is missing; set CHROMIUM_PATH"
}

node_arch() {
  case "$(uname -m)" in
    x86_64 | amd64) echo x64 ;;
    aarch64 | arm64) echo arm64 ;;
    *) fail "no Node.js $NODE_MAJOR package for this CPU ($(uname -m)); install Node.js $NODE_MAJOR yourself" ;;
  esac
}

# Node.js 24 from the npm registry (the node-linux-<arch> package) into $TIDELINE_HOME/toolchain, first on PATH.
setup_node() {
  export PATH="$TOOLCHAIN/bin:$PATH"
  if [[ "$(node -v 2>/dev/null)" == v$NODE_MAJOR.* ]]; then
    echo "node:     $(node -v) ($(command -v node))"
    return
  fi
  command -v npm >/dev/null 2>&1 ||
    fail "npm is needed to install Node.js $NODE_MAJOR and was not found. Install Node.js (any version): sudo apt-get install -y nodejs npm"
  local arch package
  arch="$(node_arch)"
  package="node-linux-$arch"
  echo "node:     $(node -v 2>/dev/null || echo none) found; installing Node.js $NODE_MAJOR ($package@$NODE_MAJOR) into $TOOLCHAIN"
  mkdir -p "$TOOLCHAIN/bin"
  npm install --prefix "$TOOLCHAIN" --no-save --no-audit --no-fund "$package@$NODE_MAJOR"
  ln -sf "../node_modules/$package/bin/node" "$TOOLCHAIN/bin/node"
  hash -r
  [[ "$(node -v 2>/dev/null)" == v$NODE_MAJOR.* ]] || fail "installed $package@$NODE_MAJOR but \`node -v\` says $(node -v 2>/dev/null)"
  echo "node:     $(node -v) ($(command -v node))"
}

# npm ci (which also builds: its `prepare` script runs tsc -b) when node_modules is missing or older than the lock file.
setup_dependencies() {
  if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
    echo "npm ci (node_modules missing or older than package-lock.json)"
    npm ci --no-audit --no-fund
  else
    echo "node_modules is up to date with package-lock.json"
  fi
  forget_stale_npx_link
}

# `npx tideline` runs this checkout's own bin through a copy npx keeps in its cache (one per checkout) and never
# refreshes: once package.json's bin moves (it did: tools/cli/bin, apps/cli/bin, tools/tideline.js), that copy still
# runs the old file or none. Removing the copy makes npx lay it out afresh on its next run.
forget_stale_npx_link() {
  local cache entry bin
  cache="$(npm config get cache 2>/dev/null)/_npx"
  [[ -d "$cache" ]] || return 0
  bin="$(readlink -f "$ROOT/$(node -p 'require("./package.json").bin.tideline')")"
  for entry in "$cache"/*/; do
    if [[ -L "$entry/node_modules/.bin/tideline" ]] && grep -qF "\"$ROOT\"" "$entry/package.json" 2>/dev/null &&
      [[ "$(readlink -f "$entry/node_modules/.bin/tideline")" != "$bin" ]]; then
      echo "npx's copy of an older tideline bin link removed ($entry)"
      rm -rf "$entry"
    fi
  done
}

setup() {
  local start
  start="$(now_us)"
  header "setup: tools"
  check_java
  check_maven
  check_influxdb
  setup_node
  header "setup: dependencies"
  setup_dependencies
  printf '%s<== setup: ok (%s)%s\n' "$GREEN" "$(since "$start")" "$RESET"
}

tideline() { node tools/tideline.js "$@"; }
# `json_field "$json" a.b`: a field of the last line of JSON text (arrays joined with spaces; empty when absent).
json_field() {
  node -e '
    let value; try { value = JSON.parse(process.argv[1].trim().split("\n").pop()); } catch { value = undefined; }
    for (const key of process.argv[2].split(".")) value = value == null ? undefined : value[key];
    console.log(Array.isArray(value) ? value.join(" ") : (value ?? ""));' "$1" "$2"
}
build() { npx tsc -b tsconfig.json; }

# The test command runs through the Nx targets of every project (build, lint, test, int-test: nx.json), so a second
# run with nothing changed reads them from Nx's cache. `nx_run target [output style] [tasks at a time]`: by default two
# tasks at a time (the machines this runs on have two cores; nx.json never runs an int-test beside another task), each
# task's output printed whole when it ends, never interleaved.
nx_run() {
  npx nx run-many -t "$1" --outputStyle="${2:-static}" --parallel="${3:-2}"
}

# Every project's lint target, then the workspace's own scripts, which belong to no project.
lint() {
  local status=0
  nx_run lint || status=$?
  npx eslint --max-warnings 0 eslint.config.mjs tools/*.mjs || status=$?
  return $status
}

# `run_tests target [output style]`: a test target of every project, then the totals over all projects.
run_tests() {
  local log status=0
  log="$(mktemp)"
  nx_run "$@" | tee "$log" || status=$?
  awk '{ gsub(/\033\[[0-9;]*m/, "") } /ℹ (tests|pass|fail) [0-9]+$/ { n[$(NF - 1)] += $NF }
    END { printf "all projects: %d tests, %d passed, %d failed\n", n["tests"], n["pass"], n["fail"] }' "$log"
  rm -f "$log"
  return $status
}

# ------------------------------------------------------------------------------------------------------- commands
cmd_start() {
  setup
  step "build (tsc -b)" build || exit 1
  header "tideline up"
  tideline up
}

cmd_stop() {
  export PATH="$TOOLCHAIN/bin:$PATH"
  tideline down
}

# The names `tideline stack up` started in this run; stopped again on exit, whatever happens.
STARTED=""
stop_started() {
  if [[ -n "$STARTED" ]]; then
    header "stopping what this run started: $STARTED"
    # shellcheck disable=SC2086 # a list of component names
    tideline stack down $STARTED || true
    STARTED=""
  fi
}

# Uses KAFKA_BROKERS + INFLUX_URL when both are given; otherwise `tideline stack up` (idempotent: servers that already
# answer are used and left alone) and exports where they are for the integration tests.
ensure_stack() {
  if [[ -n "${KAFKA_BROKERS:-}" && -n "${INFLUX_URL:-}" ]]; then
    echo "using KAFKA_BROKERS=$KAFKA_BROKERS INFLUX_URL=$INFLUX_URL from the environment"
    return 0
  fi
  local json status=0
  json="$(tideline stack up --json)" || status=$?
  STARTED="$(json_field "$json" started)"
  [[ $status -eq 0 ]] || return $status
  KAFKA_BROKERS="$(json_field "$json" env.KAFKA_BROKERS)"
  INFLUX_URL="$(json_field "$json" env.INFLUX_URL)"
  export KAFKA_BROKERS INFLUX_URL
  echo "KAFKA_BROKERS=$KAFKA_BROKERS INFLUX_URL=$INFLUX_URL (started by this run: ${STARTED:-nothing})"
}

# Before the long sections: can the local stack start (Java, Maven, influxd or apt-get, free ports)? Fails here, with
# what to do, instead of after the unit tests.
check_stack() {
  if [[ -n "${KAFKA_BROKERS:-}" && -n "${INFLUX_URL:-}" ]]; then
    echo "servers from the environment: KAFKA_BROKERS=$KAFKA_BROKERS INFLUX_URL=$INFLUX_URL"
    return 0
  fi
  tideline stack up --check || fail "the local stack cannot start (see above); fix that, or set KAFKA_BROKERS and INFLUX_URL to servers of your own"
}

cmd_test() {
  setup
  header "setup: browser for the report rendering test"
  setup_browser
  header "setup: local stack preconditions"
  check_stack
  trap 'stop_started' EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  step "format check (prettier)" npx prettier --check . || true
  step "lint (eslint, module boundaries)" lint || true
  # one at a time: each project's `tsc -b` also builds the projects it references, which two at once could both write
  if ! step "typecheck + build (tsc -b)" nx_run build static 1; then
    print_summary
    exit 1
  fi
  step "unit tests" run_tests test || true
  if step "local stack (Kafka, InfluxDB)" ensure_stack; then
    # streamed as they run: one project at a time, so lines do not interleave
    step "integration tests" run_tests int-test stream || true
  fi
  stop_started
  print_summary
  exit "$FAILED"
}

case "${1:-}" in
  setup) setup ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  test) cmd_test ;;
  *)
    echo "usage: bash tools/dev.sh setup|start|stop|test" >&2
    exit 2
    ;;
esac
