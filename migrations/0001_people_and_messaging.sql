-- People, consent and messaging: the tables the webhook and the worker touch on every text.
-- Conventions used by every migration: UUID keys from gen_random_uuid(), timestamptz everywhere,
-- created_at/updated_at kept by the set_updated_at() trigger, every foreign key indexed.

-- migrate:up

CREATE FUNCTION set_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- An UPDATE that changes nothing (e.g. ON CONFLICT DO UPDATE taken only for its row lock)
    -- leaves updated_at alone.
    IF ROW(NEW.*) IS DISTINCT FROM ROW(OLD.*) THEN
        NEW.updated_at := now();
    END IF;
    RETURN NEW;
END;
$$;

-- Twilio status callbacks arrive out of order; a status may only move to a higher rank.
-- Our own pre-send states come first: pending (row written), submitting (intent recorded,
-- provider call in flight), unknown (a worker died mid-call; the callback may still tell).
CREATE FUNCTION message_status_rank(status text) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE status
        WHEN 'received'    THEN 0
        WHEN 'pending'     THEN 0
        WHEN 'submitting'  THEN 1
        WHEN 'unknown'     THEN 2
        WHEN 'accepted'    THEN 3
        WHEN 'scheduled'   THEN 3
        WHEN 'queued'      THEN 4
        WHEN 'sending'     THEN 5
        WHEN 'sent'        THEN 6
        WHEN 'delivered'   THEN 7
        WHEN 'undelivered' THEN 7
        WHEN 'failed'      THEN 7
        WHEN 'canceled'    THEN 7
        WHEN 'suppressed'  THEN 7
        WHEN 'read'        THEN 8
        ELSE -1
    END
$$;

CREATE TABLE users (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    phone           text NOT NULL UNIQUE CHECK (phone ~ '^\+[1-9][0-9]{6,14}$'),
    name            text,
    timezone        text NOT NULL DEFAULT 'America/New_York',
    send_time       time NOT NULL DEFAULT '07:00',
    units           text NOT NULL DEFAULT 'imperial' CHECK (units IN ('imperial', 'metric')),
    status          text NOT NULL DEFAULT 'onboarding'
                    CHECK (status IN ('onboarding', 'active', 'paused', 'undeliverable')),
    paused_until    timestamptz,
    rest_day_texts  boolean NOT NULL DEFAULT true,
    opted_in_at     timestamptz,
    opted_out_at    timestamptz,
    referral_code   text UNIQUE,
    deleted_at      timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE TRIGGER users_updated_at BEFORE UPDATE ON users
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
COMMENT ON COLUMN users.opted_out_at IS 'Set by STOP, cleared by START; checked before every send.';

CREATE TABLE user_auth_codes (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash   text NOT NULL,
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    attempts    integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX user_auth_codes_user_id_idx ON user_auth_codes (user_id);
CREATE TRIGGER user_auth_codes_updated_at BEFORE UPDATE ON user_auth_codes
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE subscriptions (
    id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id              uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    provider             text NOT NULL DEFAULT 'stripe',
    provider_customer_id text,
    provider_sub_id      text UNIQUE,
    plan                 text NOT NULL,
    status               text NOT NULL
                         CHECK (status IN ('trialing', 'active', 'past_due', 'canceled', 'unpaid')),
    current_period_end   timestamptz,
    canceled_at          timestamptz,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX subscriptions_user_id_idx ON subscriptions (user_id);
CREATE TRIGGER subscriptions_updated_at BEFORE UPDATE ON subscriptions
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE referrals (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    referrer_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    referred_id      uuid NOT NULL UNIQUE REFERENCES users (id) ON DELETE CASCADE,
    code             text NOT NULL,
    rewarded_at      timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CHECK (referrer_id <> referred_id)
);
CREATE INDEX referrals_referrer_id_idx ON referrals (referrer_id);
CREATE TRIGGER referrals_updated_at BEFORE UPDATE ON referrals
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE conversations (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id          uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    started_at       timestamptz NOT NULL DEFAULT now(),
    last_message_at  timestamptz NOT NULL DEFAULT now(),
    summary          text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX conversations_user_id_idx ON conversations (user_id, last_message_at DESC);
CREATE TRIGGER conversations_updated_at BEFORE UPDATE ON conversations
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE messages (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id          uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    conversation_id  uuid NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    direction        text NOT NULL CHECK (direction IN ('inbound', 'outbound')),
    kind             text NOT NULL DEFAULT 'chat',
    body             text NOT NULL,
    from_number      text NOT NULL,
    to_number        text NOT NULL,
    -- Twilio's MessageSid: UNIQUE is what makes a redelivered webhook a no-op.
    provider_sid     text UNIQUE,
    status           text NOT NULL CHECK (message_status_rank(status) >= 0),
    error_code       integer,
    error_message    text,
    segments         integer NOT NULL DEFAULT 1 CHECK (segments >= 1),
    encoding         text NOT NULL DEFAULT 'GSM-7' CHECK (encoding IN ('GSM-7', 'UCS-2')),
    part_index       integer NOT NULL DEFAULT 1 CHECK (part_index >= 1),
    part_count       integer NOT NULL DEFAULT 1 CHECK (part_count >= part_index),
    reply_to_id      uuid REFERENCES messages (id) ON DELETE SET NULL,
    -- One turn (inbound drained together) or one job: shared by the inbound it consumed,
    -- the outbound it produced and its agent_logs rows.
    turn_id          uuid,
    -- e.g. 'daily:<user>:<local date>': at most one such message, whatever the workers do.
    dedupe_key       text UNIQUE,
    processed_at     timestamptz,
    submitted_at     timestamptz,
    sent_at          timestamptz,
    status_updated_at timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CHECK (direction = 'outbound' OR provider_sid IS NOT NULL)
);
CREATE INDEX messages_user_id_idx ON messages (user_id, created_at);
CREATE INDEX messages_conversation_id_idx ON messages (conversation_id, created_at);
CREATE INDEX messages_reply_to_id_idx ON messages (reply_to_id);
CREATE INDEX messages_turn_id_idx ON messages (turn_id);
-- The inbox: what process_inbox drains and the sweeper recovers.
CREATE INDEX messages_unprocessed_inbound_idx ON messages (user_id, created_at)
    WHERE direction = 'inbound' AND processed_at IS NULL;
-- Outbound rows not yet handed to the provider, for the sweeper.
CREATE INDEX messages_unsent_outbound_idx ON messages (created_at)
    WHERE direction = 'outbound' AND status IN ('pending', 'submitting');
CREATE TRIGGER messages_updated_at BEFORE UPDATE ON messages
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- Ordered outbound delivery per athlete: parts of a split reply, and several replies in a row,
-- go out in seq order; a message is sent only once everything before it is done.
CREATE TABLE message_queues (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    message_id  uuid NOT NULL UNIQUE REFERENCES messages (id) ON DELETE CASCADE,
    seq         bigint GENERATED ALWAYS AS IDENTITY,
    not_before  timestamptz,
    done_at     timestamptz,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX message_queues_user_id_idx ON message_queues (user_id, seq);
CREATE INDEX message_queues_pending_idx ON message_queues (user_id, seq) WHERE done_at IS NULL;
CREATE TRIGGER message_queues_updated_at BEFORE UPDATE ON message_queues
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- migrate:down

DROP TABLE message_queues;
DROP TABLE messages;
DROP TABLE conversations;
DROP TABLE referrals;
DROP TABLE subscriptions;
DROP TABLE user_auth_codes;
DROP TABLE users;
DROP FUNCTION message_status_rank(text);
DROP FUNCTION set_updated_at();
