-- name: cached_content
-- An answer an athlete-independent agent gave for exactly this input, unless it has expired.
SELECT content FROM ai_content_cache
WHERE cache_key = $1 AND (expires_at IS NULL OR expires_at > $2);

-- name: cache_content
-- Keep an answer for reuse (user_id NULL: it belongs to no athlete). A second worker that
-- wrote the same key meanwhile wrote the same input's answer; the newer one is kept.
INSERT INTO ai_content_cache (cache_key, user_id, kind, content, expires_at)
VALUES ($1, NULL, $2, $3, $4)
ON CONFLICT (cache_key) DO UPDATE
SET content = EXCLUDED.content, expires_at = EXCLUDED.expires_at;
