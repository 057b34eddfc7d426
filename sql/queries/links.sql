-- name: retire_athlete_links
-- A new link replaces the athlete's earlier unused ones ($2: now): only the newest texted link
-- opens the page, so texting LINK again is also how an athlete cancels a link sent astray.
-- A web sign-up's code (purpose 'signup') is not a link and is left alone.
UPDATE user_auth_codes SET expires_at = $2
WHERE user_id = $1 AND purpose = 'page_link' AND used_at IS NULL AND expires_at > $2;

-- name: insert_athlete_link
-- Only the code's hash is stored: the code itself exists in the texted link alone.
INSERT INTO user_auth_codes (user_id, code_hash, expires_at) VALUES ($1, $2, $3);

-- name: consume_athlete_link
-- Opening a link ($1: its code's hash, $2: now, $3: presentations allowed): single use,
-- atomically. Two concurrent opens both wait for the row lock, and only the first still sees
-- used_at IS NULL. A deleted athlete's links open nothing.
UPDATE user_auth_codes c
SET used_at = $2, attempts = c.attempts + 1
FROM users u
WHERE c.code_hash = $1 AND c.purpose = 'page_link' AND c.used_at IS NULL
  AND c.expires_at > $2 AND c.attempts < $3
  AND u.id = c.user_id AND u.deleted_at IS NULL
RETURNING c.user_id;

-- name: count_link_attempt
-- A link presented but not opened (used already, expired, or fetched by a link previewer):
-- counted up to $2, so a replayed link shows in the record and a link fetched that often
-- without being opened is burnt. Saturates, so replays cost no write once it is burnt.
UPDATE user_auth_codes SET attempts = attempts + 1
WHERE code_hash = $1 AND attempts < $2;

-- name: visited_page_since
-- Whether the athlete opened their page since $2: the weekly recap points to it only for
-- those who have not.
SELECT EXISTS (SELECT 1 FROM page_visits WHERE user_id = $1 AND visited_at >= $2);
