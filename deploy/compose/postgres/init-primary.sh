#!/bin/sh
# Runs once, when the primary's data folder is created (the postgres image's docker-entrypoint-initdb.d).
# bwai_owner owns the database and runs the migrations: it needs CREATEROLE (they create bwai_app and
# bwai_platform) but neither SUPERUSER nor BYPASSRLS. replicator is what the streaming replica signs in as.
set -eu

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v owner_password="$BWAI_OWNER_PASSWORD" -v replication_password="$REPLICATION_PASSWORD" <<'SQL'
CREATE ROLE bwai_owner LOGIN CREATEROLE PASSWORD :'owner_password';
CREATE DATABASE bwai OWNER bwai_owner;
CREATE ROLE replicator LOGIN REPLICATION PASSWORD :'replication_password';
SQL

# The image's own rule ("host all all all scram-sha-256") does not cover replication connections.
echo 'host replication replicator all scram-sha-256' >>"$PGDATA/pg_hba.conf"
