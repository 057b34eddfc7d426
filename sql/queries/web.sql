-- name: start_web_session
-- A browser session for an operator ($2) or an athlete ($3); only the token's hash is stored.
INSERT INTO web_sessions (token_hash, operator_id, user_id, csrf_token, expires_at)
VALUES ($1, $2, $3, $4, $5)
RETURNING id, operator_id, user_id, csrf_token, expires_at;

-- name: web_session_by_token
-- A live session by its token's hash, as of $2; an operator's only while the account is enabled.
SELECT s.id, s.operator_id, s.user_id, s.csrf_token, s.expires_at
FROM web_sessions s
LEFT JOIN operators o ON o.id = s.operator_id
LEFT JOIN users u ON u.id = s.user_id
WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > $2
  AND (o.id IS NULL OR o.disabled_at IS NULL)
  AND (u.id IS NULL OR u.deleted_at IS NULL);

-- name: revoke_web_session
UPDATE web_sessions SET revoked_at = now() WHERE token_hash = $1 AND revoked_at IS NULL;

-- name: purge_web_sessions
-- Sessions that can no longer open anything, dropped by the sweeper.
DELETE FROM web_sessions WHERE expires_at < $1 OR revoked_at < $1;
