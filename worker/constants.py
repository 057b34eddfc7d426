"""Every Redis key, ARQ job name, job id and timing the product uses, in one place.

Redis only carries jobs; the truth is in PostgreSQL. Job ids are a cheap first filter against
duplicate enqueues (ARQ refuses an id that is queued or running); the real guards are rows.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

#: ARQ queue every web and worker process shares.
QUEUE_NAME = "textcoach:queue"

# Job (function) names.
PROCESS_INBOX = "process_inbox"
SEND_MESSAGE = "send_message"
SWEEP = "sweep"
DRAIN_INBOUND = "drain_inbound"
BUILD_PLAN = "build_plan"
FAN_OUT_DAILY = "fan_out_daily"
SEND_DAILY = "send_daily"
SEND_WEEKLY = "send_weekly"
WRITE_WEEK = "write_week"
ROLL_WEEKS = "roll_weeks"
MAINTAIN_AGENT_LOGS = "maintain_agent_logs"
NOTIFY_OPERATORS = "notify_operators"

# Per-job limits. ARQ re-runs a killed worker's job only after the longest timeout + 10 s,
# so these stay short.
PROCESS_INBOX_TIMEOUT_S = 120
#: What a job keeps, after its last model call, for the offline fallback and its writes: model
#: calls (and their retries) stop this long before the job's timeout.
JOB_RESERVE_S = 15.0
#: A model call is not started with less time than this left; the fallback answers instead.
MIN_MODEL_CALL_S = 3.0
PROCESS_INBOX_MAX_TRIES = 20
SEND_MESSAGE_TIMEOUT_S = 30
SEND_MESSAGE_MAX_TRIES = 8
SWEEP_TIMEOUT_S = 50
PLAN_TIMEOUT_S = 240
PLAN_MAX_TRIES = 5
#: The daily agent_logs partition upkeep. No longer than the longest job above: ARQ's in-progress
#: window is the longest timeout + 10 s. Its DDL gives up after 5 s waiting for a lock.
MAINTAIN_AGENT_LOGS_TIMEOUT_S = PLAN_TIMEOUT_S
#: Monthly agent_logs partitions kept made ahead of the current month.
AGENT_LOG_MONTHS_AHEAD = 3

DAILY_TIMEOUT_S = 120
DAILY_MAX_TRIES = 6
#: Due athletes enqueued per fan-out tick; more wait for the next minute. Above a morning's
#: worst minute at a million athletes (~73,000 due at 12:00 UTC in bench/fanout.py), whose
#: tick reads and enqueues them all in about 1.2 s and 50 MiB of worker heap.
DAILY_FANOUT_BATCH = 100_000
#: Jobs per enqueue call (one script run, one round trip): large enough that round trips vanish,
#: small enough that one batch's replies stay a few hundred KB.
ENQUEUE_BATCH = 1_000

#: Weeks are written this many days before they start (athlete-local), never on the day.
WEEK_LEAD_DAYS = 3

#: How long process_inbox waits for another worker's turn on the same athlete before retrying.
INBOX_LOCK_WAIT_S = 5.0
#: Delay before retrying a job that could not take its athlete's lock.
LOCK_BUSY_RETRY_S = 1.0
#: Cap on rows the sweeper re-enqueues per kind per run, so one tick stays short.
SWEEP_BATCH = 500

#: How often workers report health to Redis (ARQ's default is an hour).
HEALTH_CHECK_INTERVAL_S = 30
#: A worker that lost Redis reconnects after 2, 4, 8... seconds, at most this long apart.
REDIS_BACKOFF_MAX_S = 30
#: A worker that ran this long before losing Redis starts its backoff again from the shortest.
REDIS_STABLE_S = 60


def inbox_job_id(message_id: UUID) -> str:
    """One process_inbox job per inbound message: a redelivery or a sweep cannot double it."""
    return f"inbox:{message_id}"


def send_job_id(message_id: UUID) -> str:
    return f"send:{message_id}"


def swept_job_id(job_id: str, tick: int) -> str:
    """The id a sweep re-enqueues a job under: new each sweep interval. ARQ refuses a job id
    whose dead run still holds its in-progress key (the longest job timeout + 10 s after a
    worker is killed), so re-using the first id would leave a killed turn waiting that long.
    Running twice is harmless: the turn and the send are made exactly-once by their rows."""
    return f"{job_id}:swept:{tick}"


def daily_job_id(user_id: UUID, due_at: datetime) -> str:
    """One job per athlete per scheduled instant, however many workers fan out."""
    return f"daily:{user_id}:{int(due_at.timestamp())}"


def weekly_job_id(user_id: UUID, due_at: datetime) -> str:
    return f"weekly:{user_id}:{int(due_at.timestamp())}"


def plan_job_id(user_id: UUID) -> str:
    return f"plan:{user_id}"


def week_job_id(microcycle_id: UUID) -> str:
    return f"week:{microcycle_id}"


# Advisory-lock namespaces (the first int of pg_advisory_lock(int, int)).
LOCK_NS_INBOX = 1001
LOCK_NS_SEND = 1002

# --- Webhook input bounds ------------------------------------------------------------------------
#: Largest webhook body read: Twilio's largest legitimate form is a few KB (1,600 characters of
#: text, percent-encoded, plus a dozen short fields). Anything bigger is refused with a 413 before
#: it is parsed, so an unsigned request costs at most this much memory.
MAX_WEBHOOK_BODY_BYTES = 64 * 1024
#: Fields a webhook form may carry (Twilio sends about twenty).
MAX_WEBHOOK_FIELDS = 100
#: Twilio's longest inbound SMS (ten concatenated segments).
MAX_SMS_BODY_CHARS = 1600
#: Twilio SIDs are 34 characters; this leaves room for other providers' ids.
MAX_SID_CHARS = 64
#: A phone number, short code or sender id, generously.
MAX_ADDRESS_CHARS = 32
#: Twilio error codes are five digits; a longer "code" is not one.
MAX_ERROR_CODE_DIGITS = 6

# --- Inbound texts kept in Redis while PostgreSQL is down -------------------------------------
#: Hash MessageSid -> the signed form's fields as JSON: a redelivered SID overwrites itself.
INBOUND_BUFFER = "textcoach:inbound:buffer"
#: Phones with a buffered opt-out: nothing is sent to them until the buffer is drained.
BUFFERED_OPT_OUTS = "textcoach:inbound:buffered-opt-outs"
#: How long the webhook waits on PostgreSQL before keeping the text in Redis instead.
WEBHOOK_DB_TIMEOUT_S = 5.0
#: Most plain texts the webhook stores in one statement (its group commit).
INBOUND_BATCH_MAX = 64
#: Texts stored per drain pass (the drain runs every DRAIN_EVERY_S seconds).
DRAIN_BATCH = 500
DRAIN_EVERY_S = 10

# --- Send pacing (worker/sms/pacing.py) -----------------------------------------------------
#: One token bucket per sender (number or messaging service), shared by every worker: a hash
#: under this prefix + the sender. A full bucket is the same as no key, so it may expire.
PACE_BUCKET_PREFIX = "textcoach:pace:"
#: An idle bucket's key lives this long past what it still remembers (a block, a line of
#: waiting texts, the back-off count).
PACE_BUCKET_TTL_S = 600
#: The bucket holds this many seconds of the rate (at least one token): the largest burst.
PACE_BURST_S = 1.0
#: Share of the bucket only replies may take (at least one token): a scheduled text takes a
#: token only while more than this remains, so a reply always finds one.
PACE_REPLY_RESERVE = 0.2
#: Share of the rate the morning fan-out plans for; the rest is headroom for replies.
PACE_SCHEDULED_SHARE = 0.8
#: SMS a morning text is planned at: it is written to fit two, and most take both.
PACE_PARTS_PER_SCHEDULED_TEXT = 2
#: A wait up to this long is slept in the job (replies; scheduled texts) ...
PACE_SLEEP_MAX_S = 1.0
PACE_SCHEDULED_SLEEP_MAX_S = 0.25
#: ... at most this many times in a row; a longer wait re-enqueues the job, freeing its slot.
PACE_SLEEPS = 3
#: Twilio's 429 / 20429 empties the sender's bucket and blocks it this long, doubling on each
#: 429 that follows within PACE_BACKOFF_MEMORY_S of the last block, up to PACE_BACKOFF_MAX_S.
PACE_BACKOFF_S = 2.0
PACE_BACKOFF_MAX_S = 60.0
PACE_BACKOFF_MEMORY_S = 120.0
#: A scheduled text coming back this much before its turn still has it: hosts' clocks differ.
PACE_TURN_EARLY_S = 1.0
#: A reply's send job is queued this far in the past: ARQ starts the lowest score first, so it
#: goes ahead of every scheduled job that became ready less than this long ago.
REPLY_QUEUE_LEAD_S = 600.0


def paced_job_id(job_id: str, turn: float) -> str:
    """The id a send job deferred by pacing is re-enqueued under: ARQ refuses the running job's
    own id, and a re-enqueue is not an ARQ retry, so it costs none of the job's tries."""
    return f"{job_id}:paced:{int(turn * 1000)}"


# -- The web surface: console and athlete page ----------------------------------------------------
#: Cookie names: an operator's console session and an athlete's own-page session.
CONSOLE_COOKIE = "textcoach_console"
ATHLETE_COOKIE = "textcoach_athlete"
#: A texted athlete link works once, within this many seconds of being sent.
ATHLETE_LINK_TTL_S = 15 * 60
#: Times one link may be presented without being opened (previews, replays) before it is
#: burnt.
ATHLETE_LINK_MAX_ATTEMPTS = 5
#: The athlete's page stays open this long after the link is used.
ATHLETE_SESSION_TTL_S = 60 * 60
#: Console login attempts counted per email and per client address, in a window from the
#: first; past either limit, logins are refused until the window has passed (a successful
#: login clears its email's count).
LOGIN_FAILURES_PREFIX = "textcoach:login-failures:"
LOGIN_WINDOW_S = 15 * 60
LOGIN_MAX_FAILURES_PER_EMAIL = 5
LOGIN_MAX_FAILURES_PER_ADDRESS = 20
#: Web sign-up (/signup): a six-digit code texted to the number entered, good for
#: SIGNUP_CODE_TTL_S and SIGNUP_CODE_MAX_ATTEMPTS wrong tries (a million codes, five guesses).
SIGNUP_CODE_DIGITS = 6
SIGNUP_CODE_TTL_S = 10 * 60
SIGNUP_CODE_MAX_ATTEMPTS = 5
#: Codes texted per number and per client address in a window from the first: each one is a
#: text to someone's phone, so the form must not be a way to flood a number (or our bill).
SIGNUP_LIMIT_PREFIX = "textcoach:signup-limit:"
#: The first name typed on the form, kept (by the code's row id) until the code comes back.
SIGNUP_NAME_PREFIX = "textcoach:signup-name:"
SIGNUP_WINDOW_S = 60 * 60
SIGNUP_MAX_CODES_PER_NUMBER = 3
SIGNUP_MAX_CODES_PER_ADDRESS = 10
#: Code entries (right or wrong) per client address in the window, across all codes.
SIGNUP_MAX_VERIFIES_PER_ADDRESS = 30
#: The sign-up's cookies: which code the browser is waiting on (its row id, not the code), and
#: the forms' double-submit CSRF token. Both are scoped to /signup.
SIGNUP_COOKIE = "textcoach_signup"
SIGNUP_CSRF_COOKIE = "textcoach_signup_csrf"
#: Longest first name the form keeps.
SIGNUP_MAX_NAME_CHARS = 40
#: Rows per page in the console's athlete list.
CONSOLE_PAGE_SIZE = 25
NOTIFY_OPERATORS_TIMEOUT_S = 15
NOTIFY_OPERATORS_MAX_TRIES = 8
#: The sweeper's last run (time and summary), shown on the console's health page.
SWEEP_LAST_RUN = "textcoach:sweep:last"
SWEEP_LAST_RUN_TTL_S = 24 * 3600


# -- Notifying operators of a help request (worker/jobs/notify.py) ------------------------------
#: The operators' webhook gets this long to answer (inside the job's own timeout).
NOTIFY_HTTP_TIMEOUT_S = 10.0
#: A notice the webhook refused comes back after 15 s, 30 s, 1 min... at most this far apart.
NOTIFY_RETRY_S = 15.0
NOTIFY_RETRY_MAX_S = 30 * 60.0


def notify_job_id(help_request_id: UUID) -> str:
    """One notice job per help request at a time (ARQ refuses the id while it is queued)."""
    return f"notify:{help_request_id}"


# -- Referrals (worker/coach/referrals.py) ------------------------------------------------------
#: A referral code's length and alphabet: digits 2-9 and consonants (no 0/O, 1/I to mix up;
#: no vowels, so no code spells a word, least of all a carrier keyword such as CANCEL).
REFERRAL_CODE_LENGTH = 6
REFERRAL_CODE_ALPHABET = "23456789BCDFGHJKLMNPQRSTVWXZ"
#: A fresh code colliding with a stored one is drawn again, this many times at most.
REFERRAL_CODE_ATTEMPTS = 8
#: Abuse limit: a referrer is credited for at most this many referred athletes per window.
REFERRAL_MAX_CREDITS = 10
REFERRAL_WINDOW_DAYS = 30

# -- Subscriptions (worker/coach/subscriptions.py) ---------------------------------------------
#: A credited referral is worth this many days of coaching to the referrer (once per referral),
#: when subscriptions are required. How long a past_due subscription stays coached (its grace)
#: is the entitled_until() function's, in migrations/0021_stripe_events.sql.
REFERRAL_FREE_DAYS = 7

# -- Progress photos by MMS (worker/photos/) ----------------------------------------------------
#: Job that removes deleted photos' bytes from the store (retried; also a cron, so none is left).
PURGE_PHOTOS = "purge_photos"
PURGE_PHOTOS_TIMEOUT_S = 60
PURGE_PHOTOS_MAX_TRIES = 8
#: The purge cron's minutes (it also runs at start): catches a purge whose job Redis lost.
PURGE_PHOTOS_MINUTES = frozenset({11, 41})
#: Photos purged per job run; the next run takes the rest.
PURGE_PHOTOS_BATCH = 200
#: Twilio sends at most 10 media per MMS; a NumMedia above this is a malformed form (400).
MAX_MEDIA_PER_TEXT = 10
MAX_MEDIA_URL_CHARS = 1000
MAX_MEDIA_TYPE_CHARS = 100
#: Media is fetched only from Twilio's API hosts (api.twilio.com, regional api.*.twilio.com):
#: an inbound form can never make us fetch an arbitrary URL.
TWILIO_MEDIA_HOST_SUFFIX = ".twilio.com"
#: Twilio's own MMS limit is 5 MB; a larger body is refused while it is read.
MAX_PHOTO_BYTES = 5 * 1024 * 1024
#: Decompression-bomb guard: a picture claiming more pixels than this is refused before decoding.
MAX_PHOTO_PIXELS = 40_000_000
#: Stored photos are re-encoded as JPEG no larger than this on their long side.
PHOTO_MAX_SIDE = 2048
PHOTO_JPEG_QUALITY = 85
#: The types kept (re-encoded as JPEG). HEIC is refused with a text saying how to resend.
PHOTO_CONTENT_TYPES = frozenset({"image/jpeg", "image/jpg", "image/png", "image/webp",
                                 "image/gif"})
HEIC_CONTENT_TYPES = frozenset({"image/heic", "image/heif"})
PHOTO_FETCH_TIMEOUT_S = 20.0
#: A photo Twilio cannot serve after this many turns' tries is given up on (the athlete is told
#: to send it again); before that the turn waits and is retried after PHOTO_RETRY_S.
PHOTO_FETCH_MAX_ATTEMPTS = 5
PHOTO_RETRY_S = 30
#: Thumbnails on the athlete page and in the console.
PHOTOS_SHOWN = 24


def purge_photos_job_id(user_id: UUID) -> str:
    """One purge job per athlete at a time."""
    return f"purge-photos:{user_id}"


#: Agents whose input is nothing about the athlete (library facts only): their answers are
#: cached in ai_content_cache by agent version and input, and reused for everyone.
CACHED_AGENTS = frozenset({"exercise_explainer"})
#: How long a cached answer is reused before it is written again.
AI_CACHE_DAYS = 180
