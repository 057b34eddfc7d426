-- name: insert_operator
-- A new console account; the email is stored lower-case (one account per address).
INSERT INTO operators (email, password_hash, role)
VALUES (lower($1), $2, $3)
ON CONFLICT (email) DO NOTHING
RETURNING id, email, role;

-- name: operator_by_email
SELECT id, email, role, password_hash, disabled_at
FROM operators
WHERE email = lower($1);

-- name: operator_by_id
SELECT id, email, role
FROM operators
WHERE id = $1 AND disabled_at IS NULL;

-- name: operator_logged_in
-- A successful login; $2 replaces the stored hash when its parameters were out of date.
UPDATE operators SET last_login_at = now(), password_hash = COALESCE($2, password_hash)
WHERE id = $1;

-- name: set_operator_password
UPDATE operators SET password_hash = $2 WHERE email = lower($1) RETURNING id;

-- name: revoke_operator_sessions
-- A new password (or a disabled account) ends every session the operator had, at $2.
UPDATE web_sessions SET revoked_at = $2 WHERE operator_id = $1 AND revoked_at IS NULL;

-- name: disable_operator
-- Disabling ends the operator's sessions too (web_session_by_token checks disabled_at).
UPDATE operators SET disabled_at = now() WHERE email = lower($1) AND disabled_at IS NULL
RETURNING id;

-- name: list_operators
SELECT email, role, disabled_at, last_login_at, created_at
FROM operators
ORDER BY email;

-- name: record_admin_activity
-- One operator action, kept whatever later happens to its target.
INSERT INTO admin_activity_logs (actor, action, target_type, target_id, details)
VALUES ($1, $2, $3, $4, $5);

-- name: recent_admin_activity
-- The audit trail of one target ($1 type, $2 id), newest first.
SELECT actor, action, details, created_at
FROM admin_activity_logs
WHERE target_type = $1 AND target_id = $2
ORDER BY created_at DESC
LIMIT $3;

-- name: open_takeover
-- The athlete's takeover that still pauses the coach at $2, with its operator's email.
SELECT t.id, t.user_id, t.operator_id, o.email AS operator_email, t.morning, t.started_at,
       t.expires_at
FROM takeovers t
LEFT JOIN operators o ON o.id = t.operator_id
WHERE t.user_id = $1 AND t.ended_at IS NULL AND t.expires_at > $2;

-- name: close_run_out_takeover
-- The athlete's takeover whose time ran out at $2, closed so a new one can start.
UPDATE takeovers SET ended_at = expires_at, ended_reason = 'expired'
WHERE user_id = $1 AND ended_at IS NULL AND expires_at <= $2;

-- name: start_takeover
-- Pause the coach for athlete $1 from $4 to $5; nothing is returned when one is open already
-- (takeovers_one_open_idx).
INSERT INTO takeovers (user_id, operator_id, morning, started_at, expires_at)
VALUES ($1, $2, $3, $4, $5)
ON CONFLICT DO NOTHING
RETURNING id, started_at, expires_at;

-- name: end_takeover
-- Hand back: close the athlete's open takeover (live or run out) at $2.
UPDATE takeovers SET ended_at = $2, ended_reason = 'handed_back'
WHERE user_id = $1 AND ended_at IS NULL
RETURNING started_at;

-- name: expire_takeovers
-- Takeovers whose time ran out, closed by the sweeper; returns whose they were so the coach
-- can answer what waited.
UPDATE takeovers SET ended_at = expires_at, ended_reason = 'expired'
WHERE ended_at IS NULL AND expires_at <= $1
RETURNING id, user_id, operator_id, started_at;

-- name: answer_waiting_texts
-- An operator replied ($2 its turn, at $4): the waiting texts they had on screen (up to seq $3)
-- are answered by it, the last one first; anything newer still waits for an answer.
UPDATE messages SET processed_at = $4, turn_id = $2
WHERE user_id = $1 AND direction = 'inbound' AND processed_at IS NULL AND seq <= $3
RETURNING id, seq;

-- name: takeover_holds_morning
-- Whether a person has athlete $1 at $2 and chose to hold the morning texts.
SELECT taken_over($1, $2)
       AND EXISTS (SELECT 1 FROM takeovers
                   WHERE user_id = $1 AND ended_at IS NULL AND morning = 'hold');

-- name: athlete_contact
-- The athlete's number and consent, for a text a person writes.
SELECT phone, opted_out_at FROM users WHERE id = $1 AND deleted_at IS NULL;

-- name: first_waiting_text
-- The athlete's oldest unanswered text, if any.
SELECT id FROM messages
WHERE user_id = $1 AND direction = 'inbound' AND processed_at IS NULL
ORDER BY seq
LIMIT 1;

-- name: plan_text_held
-- The athlete's active plan was written during a takeover (since $2) but its text never went:
-- the plan job, run again, sends it (its dedupe key is 'plan:<id>').
SELECT EXISTS (
    SELECT 1 FROM fitness_plans p
    WHERE p.user_id = $1 AND p.status = 'active' AND p.created_at >= $2
      AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.dedupe_key = 'plan:' || p.id::text)
);

-- name: lock_operator_reply
-- Serialises posts of one reply form ($1 its key) for the rest of the transaction.
SELECT pg_advisory_xact_lock(hashtextextended('operator:' || $1, 0));
