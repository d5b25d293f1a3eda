#!/usr/bin/env bash
# The steps of the pull-request check, as one script so they run the same in CI and on a laptop:
#   pr-check.sh BASE_REF POLICY_DIR COMPILED_DIR COMMENT_FILE
# Writes the pull-request comment (Markdown) to COMMENT_FILE, and also prints it (and appends it to
# $GITHUB_STEP_SUMMARY when set), so a pull request from a fork, which gets no comment, still shows it.
# Exits 1 when the policies have errors or COMPILED_DIR is stale; the diff and plan only inform. The plan
# step runs when DIGITALOCEAN_TOKEN (or DIGITALOCEAN_ACCESS_TOKEN) is set. The fwc command is $FWC if
# set, else node_modules/.bin/fwc (fwc as a dependency, after npm ci), else bin/fwc.js (fwc's own
# repository), else fwc on PATH.
set -uo pipefail
if [ $# -ne 4 ]; then
  echo "usage: pr-check.sh BASE_REF POLICY_DIR COMPILED_DIR COMMENT_FILE" >&2
  exit 2
fi
base="$1" policies="$2" compiled="$3" out="$4"
if [ -n "${FWC:-}" ]; then fwc=($FWC)
elif [ -x node_modules/.bin/fwc ]; then fwc=(node_modules/.bin/fwc)
elif [ -f bin/fwc.js ]; then fwc=(node bin/fwc.js)
elif command -v fwc > /dev/null; then fwc=(fwc)
else
  echo "pr-check.sh: no fwc found: add fwc to the repository's devDependencies (and run npm ci), or set FWC" >&2
  exit 2
fi
status=0

{
  echo "<!-- fwc-pull-request -->"
  echo "## fwc"
  echo
} > "$out"

section() { # title, command…: runs the command, puts its output in a collapsible block
  local title="$1"; shift
  local log; log=$(mktemp)
  if "$@" > "$log" 2>&1; then
    echo "- :white_check_mark: $title" >> "$out"
  else
    status=1
    { echo "- :x: $title"; echo; echo '  <details><summary>output</summary>'; echo; echo '  ```'; sed 's/^/  /' "$log"; echo '  ```'; echo '  </details>'; } >> "$out"
  fi
  rm -f "$log"
}

section "\`fwc validate $policies\`" "${fwc[@]}" validate "$policies"
section "\`fwc compile $policies --out $compiled --check\`" "${fwc[@]}" compile "$policies" --out "$compiled" --check
echo >> "$out"

# What the change does, from the policies alone.
if "${fwc[@]}" diff --base "$base" "$policies" --format markdown > "$out.diff" 2> "$out.err"; then
  cat "$out.diff" >> "$out"
else
  { echo "fwc diff against \`$base\` failed:"; echo; echo '```'; cat "$out.err"; echo '```'; } >> "$out"
fi
echo >> "$out"

# What applying it would change in the account, when a read-only token is configured.
if [ -n "${DIGITALOCEAN_TOKEN:-${DIGITALOCEAN_ACCESS_TOKEN:-}}" ]; then
  if "${fwc[@]}" plan "$policies" --format markdown > "$out.plan" 2> "$out.err"; then
    cat "$out.plan" >> "$out"
  else
    { echo "fwc plan failed:"; echo; echo '```'; cat "$out.err"; echo '```'; } >> "$out"
  fi
else
  echo "_No read-only DigitalOcean token is configured (secret \`DIGITALOCEAN_READ_TOKEN\`), so the plan against the account is skipped._" >> "$out"
fi
rm -f "$out.diff" "$out.plan" "$out.err"
cat "$out"
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then cat "$out" >> "$GITHUB_STEP_SUMMARY"; fi
exit "$status"
