#!/usr/bin/env bash
# Gives CI a real PostgreSQL on localhost for the server's second test run: installs Debian's
# postgresql when missing (root + apt only), starts the cluster, creates the role and database,
# and prints the DATABASE_URL to use. Prints nothing when it cannot (then only PGlite is tested).
set -euo pipefail
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "ci-postgres: not root with apt-get; the PostgreSQL run is skipped" >&2
  exit 0
fi
if ! command -v pg_ctlcluster >/dev/null; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql) >&2
fi
version=$(ls /etc/postgresql | sort -V | tail -1)
[ -n "$version" ] || { echo "ci-postgres: no cluster under /etc/postgresql" >&2; exit 1; }
pg_ctlcluster "$version" main start >&2 2>/dev/null || true
for _ in $(seq 1 30); do
  su postgres -c "pg_isready -q -h 127.0.0.1 -p 5432" && break
  sleep 1
done
psql_() { su postgres -c "psql -v ON_ERROR_STOP=1 -tAc \"$1\""; }
[ "$(psql_ "select 1 from pg_roles where rolname = 'proctor'")" = 1 ] ||
  psql_ "create role proctor login password 'proctor'" >&2
[ "$(psql_ "select 1 from pg_database where datname = 'proctor_ci'")" = 1 ] ||
  psql_ "create database proctor_ci owner proctor" >&2
echo "postgres://proctor:proctor@127.0.0.1:5432/proctor_ci"
