-- name: insert_inbound_media
-- The media references of one inbound text ($1 message, $2 athlete), stored with it in the
-- webhook's transaction; a redelivery changes nothing (UNIQUE message_id, position).
INSERT INTO inbound_media (message_id, user_id, position, url, content_type)
SELECT $1, $2, m.position, m.url, m.content_type
FROM unnest($3::int[], $4::text[], $5::text[]) AS m(position, url, content_type)
ON CONFLICT (message_id, position) DO NOTHING

-- name: turn_media
-- Every media reference of a turn's texts ($1 message ids), in the order they were sent, with
-- the text's body (the photo's caption).
SELECT m.id, m.message_id, m.user_id, m.position, m.url, m.content_type, m.state, m.refused,
       m.attempts, msg.body
FROM inbound_media m
JOIN messages msg ON msg.id = m.message_id
WHERE m.message_id = ANY($1::uuid[])
ORDER BY msg.created_at, msg.id, m.position

-- name: store_photo
-- A fetched, stripped photo's row ($1 athlete, $2 storage key, $3 taken at, $4 caption,
-- $5 source message) and its media reference ($6) marked stored, in one statement. The storage
-- key is UNIQUE: a retried turn finds the row it wrote and writes no second one.
WITH photo AS (
    INSERT INTO progress_photos (user_id, storage_key, taken_at, caption, source_message_id)
    VALUES ($1, $2, $3, $4, $5)
    ON CONFLICT (storage_key) DO UPDATE SET storage_key = EXCLUDED.storage_key
    RETURNING id
)
UPDATE inbound_media
SET state = 'stored', refused = NULL, attempts = attempts + 1,
    photo_id = (SELECT id FROM photo)
WHERE id = $6
RETURNING photo_id

-- name: refuse_media
-- A media reference that will never be kept ($1), with why ($2).
UPDATE inbound_media SET state = 'refused', refused = $2, attempts = attempts + 1
WHERE id = $1 AND state = 'pending'

-- name: media_fetch_failed
-- One more failed try at fetching a media reference ($1); how many tries it has had.
UPDATE inbound_media SET attempts = attempts + 1 WHERE id = $1 RETURNING attempts

-- name: live_photo_count
-- How many photos an athlete ($1) has (deleted ones are gone).
SELECT count(*) FROM progress_photos WHERE user_id = $1 AND deleted_at IS NULL

-- name: delete_photos
-- "Delete my photos": every live photo of the athlete ($1) soft-deleted at $2; the bytes are
-- removed by the purge job. One row back per photo deleted.
UPDATE progress_photos SET deleted_at = $2
WHERE user_id = $1 AND deleted_at IS NULL
RETURNING id

-- name: photos_to_purge_exist
-- Whether the athlete ($1) has deleted photos whose bytes are still stored.
SELECT EXISTS (SELECT 1 FROM progress_photos
               WHERE user_id = $1 AND deleted_at IS NOT NULL AND purged_at IS NULL)

-- name: photos_to_purge
-- Deleted photos whose bytes are still stored: one athlete's ($1), or everyone's when $1 is
-- NULL (the cron); at most $2.
SELECT id, storage_key
FROM progress_photos
WHERE deleted_at IS NOT NULL AND purged_at IS NULL AND ($1::uuid IS NULL OR user_id = $1)
ORDER BY deleted_at
LIMIT $2

-- name: mark_photo_purged
-- A deleted photo's bytes are gone from the store ($1).
UPDATE progress_photos SET purged_at = now() WHERE id = $1

-- name: live_photos
-- An athlete's ($1) photos for their page and the console, newest first, at most $2.
SELECT id, taken_at, caption
FROM progress_photos
WHERE user_id = $1 AND deleted_at IS NULL
ORDER BY taken_at DESC, id
LIMIT $2

-- name: live_photo
-- One photo ($1) of the athlete $2, unless deleted: the key of its bytes.
SELECT storage_key FROM progress_photos
WHERE id = $1 AND user_id = $2 AND deleted_at IS NULL

-- name: replay_photos
-- Every progress photo of an athlete ($1), deleted ones too, oldest first (replay expectations).
SELECT id, caption, deleted_at, purged_at FROM progress_photos WHERE user_id = $1
ORDER BY taken_at, created_at, id
