"""Gunicorn settings for ``make run`` (``gunicorn -c gunicorn.conf.py``).

``HOST`` and ``PORT`` choose the address (default 127.0.0.1:5000); ``JOURNAL_WORKERS``
the number of worker processes. ``create_app`` opens no database connection, so the
app can be loaded once before the workers fork.
"""

import ctypes
import ctypes.util
import os
import platform


def _limit_malloc_arenas(arenas: int) -> None:
    """Cap glibc's malloc arenas in this process and the workers forked from it (what
    ``MALLOC_ARENA_MAX`` does, set here so nobody has to export it). Elsewhere: nothing."""
    if platform.libc_ver()[0] != "glibc":
        return
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.mallopt(-8, arenas)  # M_ARENA_MAX
    except (OSError, AttributeError):
        pass


_host = os.environ.get("HOST") or "127.0.0.1"
if ":" in _host and not _host.startswith("["):  # an IPv6 address such as ::1
    _host = f"[{_host}]"
bind = f"{_host}:{os.environ.get('PORT') or '5000'}"

wsgi_app = "journal:create_app()"
preload_app = True

# Threads keep slow clients from blocking a process; a few processes use the cores.
# With glibc each thread would otherwise get a malloc arena of its own, and memory freed
# in one (after a large export, say) is never reused by another: two arenas per process
# keep a worker's resident memory near what it uses, at no measurable cost in speed.
_limit_malloc_arenas(2)
worker_class = "gthread"
workers = int(os.environ.get("JOURNAL_WORKERS") or 3)
threads = 4

# A request that takes longer than this is stuck: the worker is restarted. On shutdown
# or restart, requests in flight get graceful_timeout seconds to finish.
timeout = 60
graceful_timeout = 30
keepalive = 5

# The journal logs one line per request itself (journal/requestlog.py: with a request id
# and the user's id, and the path without its query string, which can hold the words
# someone searched for). Gunicorn's access log would repeat each request with the query
# string and the referring address, so it stays off. Errors go to standard error.
accesslog = None
errorlog = "-"

# Newer gunicorn versions open a control socket in the home folder; the journal does not
# use it, and it would be shared by every copy running under the same account.
control_socket_disable = True
