-- name: stale_inbound
-- Inbound rows nobody processed: their job was lost with Redis, or kept failing. Texts waiting
-- for a person who has taken over (at $3) are theirs to answer, not the coach's.
SELECT m.id, m.user_id
FROM messages m
WHERE m.direction = 'inbound' AND m.processed_at IS NULL AND m.created_at < $1
  AND NOT taken_over(m.user_id, $3)
ORDER BY m.created_at
LIMIT $2;

-- name: stale_pending_outbound
-- Outbound rows written but never handed to a send job that ran, and held rows whose moment
-- ($3, now) has come.
SELECT m.id
FROM messages m
LEFT JOIN message_queues q ON q.message_id = m.id
WHERE m.direction = 'outbound' AND m.status = 'pending'
  AND ((q.not_before IS NULL AND m.created_at < $1) OR q.not_before <= $3)
ORDER BY m.created_at
LIMIT $2;

-- name: abandon_submitting
-- A worker died between recording the intent and storing the SID: the provider may have sent
-- it, so it is never re-sent; 'unknown' lets a later status callback still settle it.
UPDATE messages SET status = 'unknown',
       error_message = 'worker stopped while the provider call was in flight'
WHERE direction = 'outbound' AND status = 'submitting' AND submitted_at < $1
RETURNING id;
