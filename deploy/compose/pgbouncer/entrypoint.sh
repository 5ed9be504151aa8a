#!/bin/sh
# Writes the one login PgBouncer accepts (bwai_app) from the environment into a file only this user can
# read, so the password is never baked into the image or committed, then runs PgBouncer in the foreground.
set -eu
umask 077
printf '"bwai_app" "%s"\n' "$BWAI_APP_PASSWORD" >/run/pgbouncer/userlist.txt
exec pgbouncer /etc/pgbouncer/pgbouncer.ini
