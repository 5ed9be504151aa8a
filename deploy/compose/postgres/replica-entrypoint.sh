#!/bin/sh
# The streaming replica: on first start, clone the primary with pg_basebackup (-R writes standby.signal
# and primary_conninfo), then run the image's own entrypoint, which finds a data folder and starts it
# as a hot standby. Later starts reuse the clone and stream from where it stopped.
set -eu

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  export PGPASSWORD="$REPLICATION_PASSWORD"
  until pg_isready -h postgres-primary -U replicator -d postgres -q; do sleep 1; done
  mkdir -p "$PGDATA"
  chown postgres:postgres "$PGDATA"
  chmod 700 "$PGDATA"
  gosu postgres pg_basebackup -h postgres-primary -U replicator -D "$PGDATA" -R -X stream --no-password
fi

exec docker-entrypoint.sh postgres
