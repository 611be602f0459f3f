"""Default configuration. Overridden by instance/config.py, then by MPP_* environment variables.

No secrets live here: `flask init` writes SECRET_KEY and NIK_HMAC_KEY into instance/config.py.
"""

# The database; None means SQLite at instance/mpp.sqlite3.
DATABASE_URL = None
SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

SECRET_KEY = None
# Keys the NIK's HMAC; changing it unlinks existing bookings from their NIKs.
NIK_HMAC_KEY = None

# Flask-Babel: Bahasa Indonesia first, English second.
LANGUAGES = ("id", "en")
BABEL_DEFAULT_LOCALE = "id"
BABEL_DEFAULT_TIMEZONE = "Asia/Jakarta"
LANGUAGE_COOKIE = "bahasa"

# Complaint channel shown beside every service, next to the MPP's own contact.
SP4N_LAPOR_URL = "https://www.lapor.go.id"

# flask-smorest: the OpenAPI document of /api/v1 is generated from the code.
API_TITLE = "MPP Digital API"
API_VERSION = "v1"
OPENAPI_VERSION = "3.0.3"
OPENAPI_URL_PREFIX = "/api/v1"
OPENAPI_JSON_PATH = "openapi.json"

# Paging of API lists.
API_PAGE_SIZE = 100

JSON_SORT_KEYS = False

# Booking: limits against hoarding (per NIK, enforced by the database) and per client.
BOOKING_MAX_ACTIVE_PER_NIK = 3
RATELIMIT_STORAGE_URI = "memory://"
RATELIMIT_HEADERS_ENABLED = True
BOOKING_RATE_LIMIT = "10 per hour;3 per minute"
LOOKUP_RATE_LIMIT = "30 per hour;10 per minute"

# Staff: login throttling per account and per address; sessions end after this long idle.
LOGIN_RATE_LIMIT = "5 per minute;30 per hour"
PERMANENT_SESSION_LIFETIME = 12 * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Queues: recalls before a no-show, the booking check-in window (minutes).
QUEUE_MAX_RECALLS = 3
CHECK_IN_BEFORE_MINUTES = 30
CHECK_IN_AFTER_MINUTES = 10
PRIORITY_BOOST_MINUTES = 30

# Production: "production" refuses to start without real secrets, forces HTTPS (behind a
# TLS-terminating proxy, set PROXY_HOPS) and marks cookies secure.
ENV_NAME = "development"
FORCE_HTTPS = True
PROXY_HOPS = 0
# One JSON line per request on standard error.
LOG_JSON = None           # None: on in production, off otherwise
# Maintenance: reads go on, every write answers 503.
READ_ONLY = False
