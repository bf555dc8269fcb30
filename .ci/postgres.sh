#!/usr/bin/env bash
# Start a local PostgreSQL for the store tests and print the URL to use (Debian/Ubuntu, run as root).
set -euo pipefail
version=$(ls /usr/lib/postgresql | sort -n | tail -1)
if ! pg_lsclusters -h | grep -q "^$version main"; then
  pg_createcluster "$version" main >/dev/null
fi
pg_ctlcluster "$version" main start >/dev/null 2>&1 || true
for _ in $(seq 1 30); do
  pg_isready -q -h 127.0.0.1 && break
  sleep 1
done
su postgres -c "psql -qtc \"SELECT 1 FROM pg_roles WHERE rolname='actionplan'\" | grep -q 1 || psql -qc \"CREATE ROLE actionplan LOGIN PASSWORD 'actionplan'\"" >/dev/null
# Each test process makes a database of its own beside actionplan_test (tests/conftest.py).
su postgres -c "psql -qc \"ALTER ROLE actionplan CREATEDB\"" >/dev/null
su postgres -c "psql -qtc \"SELECT 1 FROM pg_database WHERE datname='actionplan_test'\" | grep -q 1 || createdb -O actionplan actionplan_test" >/dev/null
echo "postgresql+psycopg://actionplan:actionplan@127.0.0.1:5432/actionplan_test"
