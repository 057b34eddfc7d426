-- name: outbound_for_send
SELECT m.id, m.user_id, m.kind, m.body, m.from_number, m.to_number, m.status,
       u.opted_out_at, u.status AS user_status, u.timezone
FROM messages m
JOIN users u ON u.id = m.user_id
WHERE m.id = $1 AND m.direction = 'outbound';

-- name: queue_position
-- Whose queue an outbound row is in, and where: all a send job needs before the athlete's
-- send lock (each row is read again under it).
SELECT user_id, seq FROM message_queues WHERE message_id = $1;

-- name: queue_pending_upto
-- Everything of this athlete still waiting at or before a given position: sent in order.
SELECT message_id
FROM message_queues
WHERE user_id = $1 AND done_at IS NULL AND seq <= $2
ORDER BY seq;

-- name: hold_outbound
-- A scheduled text written before its sending window opens waits, pending, until $2; the
-- sweeper hands it to a send job once that moment has passed.
UPDATE message_queues SET not_before = $2 WHERE message_id = $1 AND done_at IS NULL;

-- name: queue_done
UPDATE message_queues SET done_at = COALESCE(done_at, now())
WHERE message_id = $1;

-- name: claim_for_send
-- The intent, recorded before the provider is called: only one worker wins pending -> submitting,
-- and only while the athlete still consents: a STOP committed after the send job's first check
-- but before this statement still stops the text ($2: kinds that may reach someone opted out).
UPDATE messages m SET status = 'submitting', submitted_at = now()
WHERE m.id = $1 AND m.status = 'pending'
  AND NOT EXISTS (SELECT 1 FROM users u
                  WHERE u.id = m.user_id
                    AND (u.status = 'undeliverable'
                         OR (u.opted_out_at IS NOT NULL AND NOT m.kind = ANY ($2::text[]))))
RETURNING id;

-- name: release_claim
-- The provider refused before accepting (rate limit, connection refused): safe to try again.
UPDATE messages SET status = 'pending', submitted_at = NULL
WHERE id = $1 AND status = 'submitting';

-- name: record_sent
-- provider_sid and a forward-only status once the provider accepted the message.
UPDATE messages
SET provider_sid = $2,
    sent_at = now(),
    status = CASE WHEN message_status_rank($3) > message_status_rank(status) THEN $3
                  ELSE status END,
    status_updated_at = now()
WHERE id = $1;

-- name: record_failed
UPDATE messages
SET status = $2, error_code = $3, error_message = $4, status_updated_at = now()
WHERE id = $1 AND message_status_rank(status) < message_status_rank($2);

-- name: record_status_by_sid
-- Twilio status callbacks arrive out of order: only ever move forward.
-- Outbound rows only: a callback never changes an inbound text (nor opts its sender out).
UPDATE messages
SET status = $2, error_code = COALESCE($3, error_code), status_updated_at = now()
WHERE provider_sid = $1 AND direction = 'outbound'
  AND message_status_rank($2) > message_status_rank(status)
RETURNING id, user_id, status;

-- name: record_status_by_id
-- A callback carrying our own message id fills in a SID a crashed worker never stored,
-- unless another row already holds that SID (a forged or crossed callback): then the row keeps
-- its own, rather than the update failing on the unique index.
UPDATE messages
SET provider_sid = CASE WHEN provider_sid IS NULL AND NOT EXISTS (
                            SELECT 1 FROM messages other WHERE other.provider_sid = $2)
                        THEN $2 ELSE provider_sid END,
    status = CASE WHEN message_status_rank($3) > message_status_rank(status) THEN $3
                  ELSE status END,
    error_code = COALESCE($4, error_code),
    status_updated_at = now()
WHERE id = $1 AND direction = 'outbound'
RETURNING id, user_id, status;

-- name: hold_paced
-- Texts a send job left pending for their sender's rate, up to its own position ($2): the job
-- is re-enqueued for their turn, so the sweeper leaves them alone until $3 and only then steps
-- in (the job was lost with Redis). A later hold (quiet hours) is never brought forward.
UPDATE message_queues SET not_before = $3
WHERE user_id = $1 AND seq <= $2 AND done_at IS NULL
  AND (not_before IS NULL OR not_before < $3);
