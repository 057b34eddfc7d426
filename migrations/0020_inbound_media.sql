-- migrate:up
-- Progress photos by MMS (worker/photos/). The webhook stores each media reference of an
-- inbound text in the statement that stores the text, so a photo is never lost if Twilio's media
-- cannot be fetched yet; the athlete's turn fetches it, strips it and stores it, then marks the
-- reference stored (with its progress_photos row) or refused (a type, size or picture we do not
-- keep, said to the athlete). A reference still 'pending' is fetched again by the next try.
CREATE TABLE inbound_media (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    message_id    uuid NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    user_id       uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- The n of Twilio's MediaUrl{n}.
    position      smallint NOT NULL CHECK (position >= 0),
    url           text NOT NULL,
    content_type  text NOT NULL,
    state         text NOT NULL DEFAULT 'pending'
                  CHECK (state IN ('pending', 'stored', 'refused')),
    -- Why it was refused: 'type', 'heic', 'size', 'unreadable', 'unavailable'.
    refused       text,
    attempts      integer NOT NULL DEFAULT 0,
    photo_id      uuid REFERENCES progress_photos (id) ON DELETE SET NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (message_id, position),
    CHECK ((state = 'refused') = (refused IS NOT NULL))
);
CREATE INDEX inbound_media_user_id_idx ON inbound_media (user_id);
CREATE INDEX inbound_media_photo_id_idx ON inbound_media (photo_id);
CREATE TRIGGER inbound_media_updated_at BEFORE UPDATE ON inbound_media
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- A deleted photo's bytes are removed from the store by a job; purged_at says it is done, so the
-- job (retried, and swept) only ever looks at photos deleted and not yet purged.
ALTER TABLE progress_photos ADD COLUMN purged_at timestamptz;
CREATE INDEX progress_photos_to_purge_idx ON progress_photos (user_id)
    WHERE deleted_at IS NOT NULL AND purged_at IS NULL;

-- migrate:down
DROP INDEX progress_photos_to_purge_idx;
ALTER TABLE progress_photos DROP COLUMN purged_at;
DROP TABLE inbound_media;
