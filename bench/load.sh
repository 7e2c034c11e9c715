#!/usr/bin/env bash
# Page latency under load at 100,000 entries: gunicorn (make run's configuration) on
# 127.0.0.1, one signed-in user, wrk with 16 connections for 8 s per page. /healthz
# (no session, no entries) is the baseline measured in the same run.
#
#   bash bench/load.sh [ENTRIES]      (needs wrk: apt-get install wrk)
set -euo pipefail
cd "$(dirname "$0")/.."
entries=${1:-100000}
port=${BENCH_PORT:-5093}
work=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT
export JOURNAL_DATABASE_URL="sqlite:///$work/journal.sqlite3"
export JOURNAL_SECRET_KEY=$(.venv/bin/python -c "import secrets; print(secrets.token_urlsafe(48))")
password="bench passphrase that is long"
flask=(.venv/bin/flask --app journal)

"${flask[@]}" db upgrade >/dev/null 2>&1
echo "$password" | "${flask[@]}" create-user bench --password-stdin >/dev/null
echo "$password" | "${flask[@]}" demo-data --user bench --entries "$entries" --seed 1 --password-stdin

PORT=$port .venv/bin/gunicorn -c gunicorn.conf.py --access-logfile /dev/null \
    >"$work/gunicorn.log" 2>&1 &
server=$!
base="http://127.0.0.1:$port"
for _ in $(seq 50); do curl -sf "$base/healthz" >/dev/null && break; sleep 0.2; done

jar="$work/cookies"
token=$(curl -s -c "$jar" -b "$jar" "$base/auth/login" \
    | grep -o 'name="csrf_token" type="hidden" value="[^"]*"' | sed 's/.*value="//; s/"$//')
curl -s -c "$jar" -b "$jar" -o /dev/null --data-urlencode "username=bench" \
    --data-urlencode "password=$password" --data-urlencode "csrf_token=$token" "$base/auth/login"
cookie="session=$(awk '$6 == "session" {print $7}' "$jar")"
entry=$(curl -s -H "Cookie: $cookie" "$base/entries/" | grep -o '/entries/[0-9][0-9]*' | head -1)

printf '%-16s %10s %10s %10s\n' page "req/s" "p50" "p99"
for page in /healthz / /entries/ "$entry" /tags/ /tags/work /tags/work/launch /prompts/ \
        /prompts/today /wins/ "/entries/?kind=reframe"; do
    out=$(wrk -t2 -c16 -d8s --latency -H "Cookie: $cookie" "$base$page")
    if grep -q "Non-2xx" <<<"$out"; then echo "$page answered errors:"; echo "$out"; exit 1; fi
    printf '%-16s %10s %10s %10s\n' "$page" \
        "$(awk '/Requests\/sec/ {print $2}' <<<"$out")" \
        "$(awk '$1 == "50%" {print $2}' <<<"$out")" \
        "$(awk '$1 == "99%" {print $2}' <<<"$out")"
done
