#!/usr/bin/env bash
# The API keeps its own OpenAPI contract: Schemathesis fuzzes a freshly seeded demo,
# served on 127.0.0.1, as four people of different agencies and roles, with every
# check on, and must end with 0 failures. `.ci/schemathesis.toml` gives the reason for
# each status the checks accept beyond their defaults.
#
#   .ci/schemathesis.sh            # from the repository root, after `make install`
#   ST_MAX_EXAMPLES=20 .ci/schemathesis.sh   # more fuzzed inputs
#   ST_USERS="supervisor.north" ST_PHASES=fuzzing .ci/schemathesis.sh   # other people
#
# The demo lives in a temporary directory (SQLite, documents), Celery runs tasks
# eagerly, and everything is removed at the end. Fuzzing writes data: that is fine on
# a throwaway database.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

started=$(date +%s)
BIN=.venv/bin
# Fuzzed inputs per operation and phase, bounded to fit the step in ten minutes on two
# cores: about 9,400 test cases, two to three minutes on a quiet machine, six to seven
# when other work shares it. More finds more: ST_MAX_EXAMPLES=12 ST_SEED=7.
MAX_EXAMPLES=${ST_MAX_EXAMPLES:-5}
SEED=${ST_SEED:-20260101}
ALL_PHASES=coverage,fuzzing,stateful
# The admin's own endpoints: nobody else gets past their 403 to the input checks.
ADMIN_PATHS='^/api/v1/(members/|risk/(scales|targets)/|staff-exposure/rules/)'
# Who the API is fuzzed as (a police officer, a charity caseworker, an agency admin
# and an auditor), each with every check. The coverage phase (some 6,000
# requests: every boundary and every wrong type of every parameter and field, derived
# from the schema alone) runs in full as the police officer, who may use the most
# endpoints, and as the admin on the admin's own endpoints; for other endpoints the
# caseworker and the admin mostly get 403 or 404 before any input is read, so they
# get generated inputs and request sequences (fuzzing, stateful), which is where
# their answers differ. Each line is one job: a user, then runs of "phases[@paths]".
# The jobs run side by side (the admin's last, see below), each with one Schemathesis worker: Hypothesis describes
# strategies by parsing source, which CPython 3.11 cannot do from two threads at once
# ("AST constructor recursion depth mismatch"), so parallelism comes from processes.
JOBS=(
  "officer.north $ALL_PHASES"
  "caseworker.harbour fuzzing,stateful"
  "admin.north $ALL_PHASES@$ADMIN_PATHS fuzzing,stateful"
  # The auditor reads the access log and is refused nearly everything else (403).
  "auditor.north fuzzing,stateful"
)
if [ -n "${ST_USERS:-}" ]; then
  JOBS=()
  for user in $ST_USERS; do JOBS+=("$user ${ST_PHASES:-$ALL_PHASES}"); done
fi

work=$(mktemp -d)
server_pid=""
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

export DEBUG=1 CELERY_BROKER_URL= CELERY_TASK_ALWAYS_EAGER=1 LOG_LEVEL=ERROR
export DATABASE_URL="sqlite:///$work/tideline.sqlite3" MEDIA_ROOT="$work/documents"

echo "Seeding a fresh demo in $work"
$BIN/python manage.py migrate --noinput -v0
$BIN/python manage.py seed_demo >/dev/null

port=$($BIN/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
# A sync worker for each job's requests; SQLite serialises the writes. gunicorn itself
# refuses a request line over 4 KB or a header over 8 KB (an HTML 414 or 400, before
# Tideline sees the request), and the fuzzer builds such requests from repeated query
# parameters: without those limits, what is checked is Tideline's own answer.
$BIN/gunicorn config.wsgi --bind "127.0.0.1:$port" --workers 4 --timeout 60 \
  --limit-request-line 0 --limit-request-field_size 0 \
  --access-logfile /dev/null --error-logfile "$work/server.log" >>"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 60); do
  curl -fsS -o /dev/null "$base/healthz" 2>/dev/null && break
  sleep 0.5
done

token_for() {
  local user=$1 code
  code=$($BIN/python manage.py demo_otp "$user" 2>/dev/null)
  curl -fsS -X POST "$base/api/v1/auth/token/" -H 'Content-Type: application/json' \
    -d "{\"username\": \"$user\", \"password\": \"tideline-demo-2026\", \"otp\": \"$code\"}" |
    $BIN/python -c 'import json, sys; print(json.load(sys.stdin)["token"])'
}

fuzz() {
  local user=$1 token=$2 phases=$3 paths=$4
  echo "==== Schemathesis as $user: $phases${paths:+ on $paths}"
  local run_started args
  run_started=$(date +%s)
  args=(
    --url "$base"
    --header "Authorization: Bearer $token"
    --checks all
    --phases "$phases"
    --max-examples "$MAX_EXAMPLES"
    --workers 1
    --seed "$SEED"
    --generation-database none
    --request-timeout 30
    --no-color
    # Logging out revokes the token the run uses: every later request would be a 401.
    --exclude-path /api/v1/auth/logout/
    # The token endpoint counts failed sign-ins and locks the account after a few:
    # fuzzing it would lock the demo user out for the rest of the run. Its own tests
    # (tests/agencies) cover it.
    --exclude-path /api/v1/auth/token/
  )
  [ -n "$paths" ] && args+=(--include-path-regex "$paths")
  local rc=0
  (cd "$work" && "$root/$BIN/schemathesis" --config-file "$root/.ci/schemathesis.toml" \
    run "$base/api/v1/schema/" "${args[@]}") || rc=$?
  echo "(as $user, $phases: $(($(date +%s) - run_started)) seconds)"
  return "$rc"
}

job_run() {
  local index=$1 user token rc=0 run phases paths
  read -r -a job <<<"${JOBS[$index]}"
  user=${job[0]}
  token=$2
  for run in "${job[@]:1}"; do
    phases=${run%%@*}
    paths=""
    [ "$run" != "$phases" ] && paths=${run#*@}
    fuzz "$user" "$token" "$phases" "$paths" || rc=1
    echo
  done
  return "$rc"
}

# The agency admin's fuzzing may deactivate a member or reset their authenticator,
# which revokes that person's tokens: run side by side, it turned the police officer's
# requests into 401s halfway through. The admin's job therefore runs after the others.
# One token each, taken just before its job: a TOTP code is accepted once per person.
status=0
later=()
for index in "${!JOBS[@]}"; do
  read -r -a job <<<"${JOBS[$index]}"
  if [ "${job[0]}" = "admin.north" ]; then later+=("$index"); continue; fi
  token=$(token_for "${job[0]}")
  job_run "$index" "$token" >"$work/job-$index.log" 2>&1 &
  pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid" || status=1; done
pids=()
for index in "${!JOBS[@]}"; do
  [ -f "$work/job-$index.log" ] && cat "$work/job-$index.log"
done
for index in "${later[@]}"; do
  read -r -a job <<<"${JOBS[$index]}"
  token=$(token_for "${job[0]}")
  job_run "$index" "$token" || status=1
done

if [ "$status" -ne 0 ] && grep -q "Traceback" "$work/server.log"; then
  echo "---- the server's errors"
  grep -A40 "Traceback" "$work/server.log" | head -200
fi
echo "Schemathesis step: $(($(date +%s) - started)) seconds in all."
exit "$status"
