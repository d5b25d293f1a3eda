#!/usr/bin/env bash
# The steps of the pull-request check, as one script so they run the same in CI and on a laptop:
#   pr-check.sh BASE_REF POLICY_DIR COMPILED_DIR COMMENT_FILE
# Writes the pull-request comment (Markdown) to COMMENT_FILE. Exits 1 when the policies have errors or
# COMPILED_DIR is stale; the diff and plan only inform. The plan step runs when DIGITALOCEAN_TOKEN (or
# DIGITALOCEAN_ACCESS_TOKEN) is set; FWC overrides the command (default: node bin/fwc.js).
set -uo pipefail
base="$1" policies="$2" compiled="$3" out="$4"
fwc=(${FWC:-node bin/fwc.js})
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
exit "$status"
