-- Messages written in one transaction share created_at (now() is the transaction's start), so
-- "the coach's last message" was a coin toss between a welcome and the question after it. A
-- sequence gives every message its place in the conversation.

-- migrate:up

ALTER TABLE messages ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY;
CREATE INDEX messages_user_seq_idx ON messages (user_id, seq);

-- migrate:down

DROP INDEX messages_user_seq_idx;
ALTER TABLE messages DROP COLUMN seq;
