"""Default configuration. Overridden by instance/config.py, then by MPP_* environment variables.

No secrets live here: `flask init` writes SECRET_KEY and NIK_HMAC_KEY into instance/config.py.
"""

# The database; None means SQLite at instance/mpp.sqlite3.
DATABASE_URL = None
# No pool_pre_ping (a round trip before every request's first statement): a connection idle
# for a while is pinged before use instead (extensions.ping_idle_connections).
SQLALCHEMY_ENGINE_OPTIONS = {}

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

# Public catalogue pages: how long browsers and proxies may reuse one (then revalidate with its
# ETag, or serve it stale while they do), and the rendered-page cache (Flask-Caching):
# SimpleCache in each process by default; with several workers or machines
# MPP_CACHE_TYPE=RedisCache and MPP_CACHE_REDIS_URL=redis://…/1 share it.
PUBLIC_MAX_AGE = 60
PUBLIC_STALE_WHILE_REVALIDATE = 600
CACHE_TYPE = "SimpleCache"
CACHE_DEFAULT_TIMEOUT = 3600
CACHE_KEY_PREFIX = "mpp-page:"
CACHE_THRESHOLD = 2000
# With a cache shared over the network (Redis), each process also keeps its own copies of the
# pages it served last, up to this many; 0: none. Every key names what its page depends on
# (versions, language, day), so a copy is never stale.
PAGE_COPIES_PER_PROCESS = 512

# Booking: limits against hoarding (per NIK, enforced by the database) and per client.
BOOKING_MAX_ACTIVE_PER_NIK = 3
RATELIMIT_STORAGE_URI = "memory://"
RATELIMIT_HEADERS_ENABLED = True
BOOKING_RATE_LIMIT = "10 per hour;3 per minute"
LOOKUP_RATE_LIMIT = "30 per hour;10 per minute"
# The API's booking endpoint without a valid client key (each client has its own limit).
API_UNAUTHENTICATED_RATE_LIMIT = "10 per minute;60 per hour"

# Staff: login throttling (accounts/login_limits.py). Failed logins per address; failures of one
# account from one address; failures of one account from anywhere, after which only addresses
# that have not failed for it may try. Sessions end after PERMANENT_SESSION_LIFETIME idle.
LOGIN_RATE_LIMIT = "5 per minute;30 per hour"
LOGIN_PAIR_LIMIT = "5 per 15 minutes"
LOGIN_ACCOUNT_ALERT = "10 per hour"
# werkzeug's generate_password_hash method; the tests set cheaper scrypt parameters.
PASSWORD_HASH_METHOD = "scrypt"
PERMANENT_SESSION_LIFETIME = 12 * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Kiosks: typing enrolment codes (per address); tickets per enrolled device or clerk and per
# hall, counted when a ticket is issued; check-ins per address (per device for a kiosk).
DEVICE_ENROL_RATE_LIMIT = "10 per hour"
KIOSK_DEVICE_RATE_LIMIT = "20 per minute;400 per hour"
KIOSK_HALL_RATE_LIMIT = "60 per minute;1500 per hour"
CHECK_IN_RATE_LIMIT = "5 per minute;20 per hour"
KIOSK_CHECK_IN_RATE_LIMIT = "30 per minute;600 per hour"
KIOSK_RETURN_SECONDS = 15        # a kiosk's ticket screen goes back to the start after this

# Search: how many different searches of one client a day count towards "most searched".
SEARCH_COUNTS_PER_CLIENT = "20 per day"

# Queues: recalls before a no-show, the booking check-in window (minutes).
QUEUE_MAX_RECALLS = 3
QUEUE_UNDO_SECONDS = 60          # how long a clerk may undo their last action
CHECK_IN_BEFORE_MINUTES = 30
CHECK_IN_AFTER_MINUTES = 10
PRIORITY_BOOST_MINUTES = 30

# Messages to citizens (notify/): the booking's proof, reminders and the hall's changes, sent by
# `flask notify work` from the outbox. E-mail over SMTP: NOTIFY_SMTP_HOST (unset: nothing is
# queued, and the booking page says that no reminder will come), NOTIFY_SMTP_PORT,
# NOTIFY_SMTP_SECURITY ("starttls", "ssl" or "none"), NOTIFY_SMTP_USERNAME and
# NOTIFY_SMTP_PASSWORD (optional), NOTIFY_SMTP_TIMEOUT (seconds), NOTIFY_SENDER (the From
# address, required with a host). Reminders: the day before at NOTIFY_REMINDER_HOUR (the hall's
# local time) and NOTIFY_REMINDER_BEFORE_MINUTES before the slot.
NOTIFY_SMTP_HOST = None
NOTIFY_SMTP_PORT = 587
NOTIFY_SMTP_SECURITY = "starttls"
NOTIFY_SMTP_USERNAME = None
NOTIFY_SMTP_PASSWORD = None
NOTIFY_SMTP_TIMEOUT = 20
NOTIFY_SENDER = None
NOTIFY_REMINDER_HOUR = 16
NOTIFY_REMINDER_BEFORE_MINUTES = 120
# WhatsApp through the Business Cloud API, offered to citizens when the token, the sender's
# phone number ID and an approved template are set. The template (category "utility", in "id"
# and "en") has one body variable, {{1}}, which carries the message's one line.
NOTIFY_WHATSAPP_URL = "https://graph.facebook.com/v21.0"
NOTIFY_WHATSAPP_TOKEN = None
NOTIFY_WHATSAPP_PHONE_NUMBER_ID = None
NOTIFY_WHATSAPP_TEMPLATE = None
# SMS through an HTTP gateway, offered when NOTIFY_SMS_URL is set: a POST (JSON, or "form")
# with the number (62812…) in NOTIFY_SMS_TO_FIELD, the text in NOTIFY_SMS_TEXT_FIELD, fixed
# NOTIFY_SMS_FIELDS (a JSON object, e.g. the sender ID) and, when the gateway drops repeated
# client references, "mpp-message-<id>" in NOTIFY_SMS_ID_FIELD. NOTIFY_SMS_TOKEN, when set, is
# sent as "Authorization: Bearer …".
NOTIFY_SMS_URL = None
NOTIFY_SMS_TOKEN = None
NOTIFY_SMS_FORMAT = "json"
NOTIFY_SMS_TO_FIELD = "to"
NOTIFY_SMS_TEXT_FIELD = "text"
NOTIFY_SMS_ID_FIELD = None
NOTIFY_SMS_FIELDS = {}
NOTIFY_HTTP_TIMEOUT = 20          # seconds to wait for the WhatsApp API or the SMS gateway
# The waitlist: how long a freed seat is held for the citizen it is offered to (minutes); run
# `flask booking waitlist` every minute so that offers nobody took pass to the next citizen.
WAITLIST_OFFER_MINUTES = 30

# `flask privacy purge` (daily): a booking's phone and e-mail, and the messages sent to it, are
# erased this many days after the visit.
PRIVACY_RETENTION_DAYS = 30

# The site's host ("mpp.example.go.id"): absolute links (QR codes, the API, messages) are
# built from it, never from a client's Host header, and requests naming another host get 400.
# Required in production. TRUSTED_HOSTS adds names the site also answers to (a health probe's
# internal address), as a list or a comma-separated string.
SERVER_NAME = None
TRUSTED_HOSTS = None

# Production: "production" refuses to start without real secrets, forces HTTPS (behind a
# TLS-terminating proxy, set PROXY_HOPS) and marks cookies secure.
ENV_NAME = "development"
FORCE_HTTPS = True
PROXY_HOPS = 0
# One JSON line per request on standard error.
LOG_JSON = None           # None: on in production, off otherwise
# Maintenance: reads go on, every write answers 503.
READ_ONLY = False
