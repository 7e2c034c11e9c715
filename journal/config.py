"""Default settings. Every value here is safe to publish: secrets come from the
environment (``JOURNAL_*``) or are generated into the instance folder."""

from datetime import timedelta

# The database; ``None`` means ``instance/journal.sqlite3``.
DATABASE_URL = None
SQLALCHEMY_ENGINE_OPTIONS: dict = {}

# ``invite``: only with an invitation link from an administrator; ``open``: anyone who can
# reach the site; ``closed``: nobody. The very first account may always be created.
REGISTRATION = "invite"
INVITE_DAYS = 7
PASSWORD_RESET_HOURS = 24

# Sessions and cookies. ``SECURE_COOKIES`` is for a site served over HTTPS: cookies are
# only sent over HTTPS, and every answer carries Strict-Transport-Security.
SECURE_COOKIES = False
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
REMEMBER_COOKIE_HTTPONLY = True
REMEMBER_COOKIE_SAMESITE = "Lax"
REMEMBER_COOKIE_DURATION = timedelta(days=30)
PERMANENT_SESSION_LIFETIME = timedelta(days=30)
# A session nobody used for this long is ended on the server.
SESSION_IDLE_TIMEOUT = timedelta(days=30)

# A CSRF token lives as long as the login it belongs to: a long writing session must still save.
WTF_CSRF_TIME_LIMIT = None
WTF_CSRF_SSL_STRICT = False

# Reverse proxies in front of the journal whose X-Forwarded-* headers are trusted
# (``JOURNAL_PROXY_FIX=1`` behind one nginx); 0 trusts none.
PROXY_FIX = 0

# How long a browser that has seen the site over HTTPS refuses plain HTTP for it (a year).
HSTS_MAX_AGE = 365 * 24 * 60 * 60

# Request bodies over this size get the 413 page.
MAX_CONTENT_LENGTH = 1024 * 1024
# Files uploaded on the import page (JOURNAL_IMPORT_MAX_BYTES); the command line has no
# limit of its own. A Day One zip with photos can be larger: upload the .json inside it.
IMPORT_MAX_BYTES = 64 * 1024 * 1024
# Imports with this many entries or more run as a background job with a progress bar;
# every import writes at most IMPORT_BATCH_SIZE entries per transaction and pauses
# IMPORT_BATCH_PAUSE seconds between them, so others' writes get the lock meanwhile.
IMPORT_BACKGROUND_FROM = 2_000
IMPORT_BACKGROUND_BYTES = 2 * 1024 * 1024  # and files this large go there unread
IMPORT_BATCH_SIZE = 1_000
IMPORT_BATCH_PAUSE = 0.05
# Each app process runs the imports its owners' requests start in a thread of its own
# (only such a request brings the journal's key). With IMPORT_RUNNER that thread also
# looks for other work (removing cancelled imports, accounts without keys) by itself;
# off where a separate `flask --app journal jobs` process does that. IMPORT_THREADS
# off starts no thread at all (tests run the jobs themselves).
IMPORT_RUNNER = True
IMPORT_THREADS = True
# How many uploads are read at once across all workers and servers sharing the database
# (JOURNAL_IMPORT_CONCURRENCY); the rest are asked to try again. A slot whose process
# died is free again after IMPORT_SLOT_SECONDS.
IMPORT_CONCURRENCY = 2
IMPORT_SLOT_SECONDS = 300

# Password hashing (argon2id). These meet OWASP's recommendation (m >= 19 MiB, t >= 2).
PASSWORD_HASH_TIME_COST = 3
PASSWORD_HASH_MEMORY_COST = 64 * 1024  # KiB
PASSWORD_HASH_PARALLELISM = 4
# The key a password wraps its journal's data key with (argon2id, journal.crypto): the
# same strength as the password hash. Each account stores the parameters it was wrapped
# with, so raising these applies to each account at its next password change.
KEY_DERIVATION_TIME_COST = 3
KEY_DERIVATION_MEMORY_COST = 64 * 1024  # KiB
KEY_DERIVATION_PARALLELISM = 4
# A journal written before encryption is sealed at its owner's first sign-in with a
# password: for this long during the sign-in itself, then a batch per request.
SEALING_SECONDS_AT_SIGN_IN = 2.0
PASSWORD_MIN_LENGTH = 12
PASSWORD_MAX_LENGTH = 128

# Login throttling, counted in the database so that every worker sees the same numbers.
LOGIN_FAILURES_PER_ACCOUNT = 5
LOGIN_FAILURES_PER_ADDRESS = 20
LOGIN_FAILURE_WINDOW = timedelta(minutes=15)
# Unknown reset or invitation tokens one address may present per kind in that window.
TOKEN_FAILURES_PER_ADDRESS = 10

# Time zone used for accounts that have not chosen one; ``None`` means the server's.
DEFAULT_TIMEZONE = None

ENTRIES_PER_PAGE = 20
