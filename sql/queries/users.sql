-- name: upsert_user_by_phone
-- First contact creates the athlete; later texts find them. DO UPDATE (not DO NOTHING) so the
-- row is locked and returned either way, which also serialises one athlete's webhooks. The
-- zone ($2) and units ($3) are guesses from the number, until the athlete says otherwise.
INSERT INTO users (phone, timezone, units, opted_in_at)
VALUES ($1, $2, $3, now())
ON CONFLICT (phone) DO UPDATE SET phone = EXCLUDED.phone
RETURNING id, phone, name, timezone, status, opted_out_at, (xmax = 0) AS created;

-- name: get_user
SELECT id, phone, name, timezone, send_time, units, status, paused_until, opted_in_at,
       opted_out_at, created_at
FROM users
WHERE id = $1 AND deleted_at IS NULL;

-- name: get_user_by_phone
SELECT id, phone, name, timezone, send_time, units, status, paused_until, opted_in_at,
       opted_out_at, created_at
FROM users
WHERE phone = $1 AND deleted_at IS NULL;

-- name: opt_out_user
-- STOP and friends, or Twilio error 21610: nothing more is sent until START.
UPDATE users SET opted_out_at = COALESCE(opted_out_at, now())
WHERE id = $1;

-- name: opt_in_user
UPDATE users SET opted_out_at = NULL, opted_in_at = now()
WHERE id = $1;

-- name: mark_user_undeliverable
UPDATE users SET status = 'undeliverable'
WHERE id = $1;
