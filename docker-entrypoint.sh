#!/bin/sh
# Starts the journal in its container: bring the schema up to date, then hand over to
# the command (by default gunicorn with gunicorn.conf.py, from the Dockerfile's CMD).
# exec makes that command process 1, so `docker stop` reaches it and it shuts down
# gracefully.
set -e

flask --app journal db upgrade

exec "$@"
