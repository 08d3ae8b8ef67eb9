#!/usr/bin/env bash
# Fetches the public fixtures some tests read (never copied into this repository) from their
# upstream repositories, at the pinned commits, into ../shared/fixtures beside this clone (or
# into $PROTOCOLS_FIXTURES, or the folder given as the first argument). Needs git and a
# network; a folder that is already there is left alone, so running it again is cheap.
#
#   bash tests/fetch_fixtures.sh                  # -> ../shared/fixtures
#   bash tests/fetch_fixtures.sh /tmp/fixtures    # -> /tmp/fixtures (then export
#                                                 #    PROTOCOLS_FIXTURES=/tmp/fixtures)
#
# PROTOCOLS_FIXTURES_GIT (default https://github.com) is where OWNER/NAME repositories are
# cloned from, for a mirror.
set -euo pipefail
cd "$(dirname "$0")/.."
target="${1:-${PROTOCOLS_FIXTURES:-../shared/fixtures}}"
base="${PROTOCOLS_FIXTURES_GIT:-https://github.com}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# folder | OWNER/NAME | commit | what to copy ("upstream path->path inside the folder") and
# what to leave out ("rm:path inside the folder"), ...
fetch() {
  local folder="$1" repo="$2" commit="$3"
  shift 3
  if [ -e "$target/$folder" ]; then
    echo "fixtures: $target/$folder is there" >&2
    return
  fi
  echo "fixtures: $repo at ${commit:0:8} -> $target/$folder" >&2
  local clone="$work/${repo//\//+}"
  git init -q "$clone"
  # GitHub serves a commit by its full id, so one shallow fetch is enough.
  git -C "$clone" fetch -q --depth 1 "$base/$repo" "$commit"
  git -C "$clone" -c advice.detachedHead=false checkout -q FETCH_HEAD
  mkdir -p "$work/out/$folder"
  local pair from to
  for pair in "$@"; do
    if [ "${pair#rm:}" != "$pair" ]; then
      rm -rf "${work:?}/out/$folder/${pair#rm:}"
      continue
    fi
    from="${pair%%->*}"
    to="${pair##*->}"
    mkdir -p "$(dirname "$work/out/$folder/$to")"
    cp -R "$clone/$from" "$work/out/$folder/$to"
  done
  mkdir -p "$target"
  mv "$work/out/$folder" "$target/$folder"
}

fetch segment-typewriter segmentio/typewriter d8382953fd26c5db84f60d46897fe7e32a83f4d2 \
  "src/__tests__/__data__/plan.json->plan.json" \
  "src/__tests__/__data__/plan-v1.json->plan-v1.json" \
  "LICENSE->LICENSE"
fetch json-schema-test-suite json-schema-org/JSON-Schema-Test-Suite \
  44401e0c046704b476ec9d2e2fccdaee618f259d \
  "tests/draft2020-12->draft2020-12" "tests/draft7->draft7" "LICENSE->LICENSE" \
  "rm:draft2020-12/optional" "rm:draft7/optional"
fetch iglu-central snowplow/iglu-central cbac22edd8c67e09413c19e80c3d7354e1f010c8 \
  "schemas->schemas" "LICENSE->LICENSE"
echo "fixtures: ready in $target" >&2
