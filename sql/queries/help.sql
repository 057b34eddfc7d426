-- name: open_help_request
-- The coach asks for a person for athlete $1: reason $2, detail $3, from message $4 in turn $5,
-- at $6 (the product clock). At most one request is open per athlete (a partial unique index):
-- when one is open already this inserts nothing and returns no row.
INSERT INTO help_requests (user_id, reason, detail, source_message_id, turn_id, created_at,
                           updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $6)
ON CONFLICT (user_id) WHERE resolved_at IS NULL DO NOTHING
RETURNING id, user_id, reason, detail, source_message_id, turn_id, notified_at, resolved_at,
          resolved_by, created_at;

-- name: open_help_for
-- The athlete's open request, if any.
SELECT id, user_id, reason, detail, source_message_id, turn_id, notified_at, resolved_at,
       resolved_by, created_at
FROM help_requests
WHERE user_id = $1 AND resolved_at IS NULL;

-- name: resolve_help_request
-- An operator ($2) closes the athlete's ($1) open request at $3; no row when none was open.
UPDATE help_requests SET resolved_at = $3, resolved_by = $2
WHERE user_id = $1 AND resolved_at IS NULL
RETURNING id;

-- name: open_help_count
-- Open requests across all athletes: the console's badge.
SELECT count(*) FROM help_requests WHERE resolved_at IS NULL;

-- name: help_to_notify
-- The athlete's open request whose notice has not reached the operators' webhook yet.
SELECT id FROM help_requests
WHERE user_id = $1 AND resolved_at IS NULL AND notified_at IS NULL;

-- name: help_notice
-- What the operators' webhook is told about request $1, with the athlete's name.
SELECT h.id, h.user_id, u.name, h.reason, h.detail, h.created_at, h.notified_at, h.resolved_at
FROM help_requests h
JOIN users u ON u.id = h.user_id
WHERE h.id = $1;

-- name: mark_help_notified
-- The webhook accepted the notice for request $1 at $2.
UPDATE help_requests SET notified_at = $2
WHERE id = $1 AND notified_at IS NULL;
