-- Verified web sign-up (/signup): a number entered on the form gets a six-digit code by text;
-- the code entered back proves the number is the visitor's, and only then is the consent on
-- the form recorded and onboarding started.

-- name: signup_user
-- The athlete row for a number entered on the form ($1), found or created as pending: no
-- opted_in_at until the code comes back, no inbound text, so nothing coaches it or sends it a
-- morning text. $2/$3: the zone and units guessed from the number, as for a first text.
-- DO UPDATE (not DO NOTHING) so the row is locked and returned either way.
INSERT INTO users (phone, timezone, units)
VALUES ($1, $2, $3)
ON CONFLICT (phone) DO UPDATE SET phone = EXCLUDED.phone
RETURNING id, opted_out_at, deleted_at;

-- name: signup_retire_codes
-- A new code replaces the number's earlier unused ones ($2: now): only the newest texted code
-- works.
UPDATE user_auth_codes SET expires_at = $2
WHERE user_id = $1 AND purpose = 'signup' AND used_at IS NULL AND expires_at > $2;

-- name: signup_insert_code
-- $1: the row's id, chosen by the caller because the stored hash covers it (so two equal
-- six-digit codes never share a hash, and a hash found elsewhere matches no other row).
INSERT INTO user_auth_codes (id, user_id, code_hash, expires_at, purpose)
VALUES ($1, $2, $3, $4, 'signup');

-- name: signup_code_for_update
-- The code a browser is waiting on (its id from the sign-up cookie), locked, so two entries
-- of it are judged one after the other: one wins, the other sees it used.
SELECT c.id, c.user_id, c.code_hash, c.expires_at, c.used_at, c.attempts, u.phone,
       u.timezone, u.opted_out_at, u.deleted_at
FROM user_auth_codes c
JOIN users u ON u.id = c.user_id
WHERE c.id = $1 AND c.purpose = 'signup'
FOR UPDATE OF c;

-- name: signup_code_phone
-- The number a browser's pending code was texted to, for "text me a new code" (a used or
-- deleted athlete's code gets none).
SELECT u.phone
FROM user_auth_codes c
JOIN users u ON u.id = c.user_id
WHERE c.id = $1 AND c.purpose = 'signup' AND u.deleted_at IS NULL;

-- name: signup_count_wrong_code
UPDATE user_auth_codes SET attempts = attempts + 1
WHERE id = $1
RETURNING attempts;

-- name: signup_use_code
-- $2: now. The row is locked by signup_code_for_update, so this is the one use.
UPDATE user_auth_codes SET used_at = $2, attempts = attempts + 1
WHERE id = $1 AND used_at IS NULL;

-- name: signup_is_athlete
-- Whether the number is already an athlete: it has texted us (or a sign-up started its
-- onboarding, which is an inbound row too) or been welcomed. Codes texted to a pending
-- sign-up are neither.
SELECT EXISTS (
    SELECT 1 FROM messages
    WHERE user_id = $1 AND (direction = 'inbound' OR kind = 'welcome')
);

-- name: signup_opt_in
-- The form's consent, proven by the code: recorded with where it came from. $2: now.
UPDATE users SET opted_out_at = NULL, opted_in_at = $2, opted_in_via = 'web'
WHERE id = $1;
