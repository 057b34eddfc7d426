-- The coach's web surface: operator accounts, browser sessions (operators in the console and
-- athletes on their own page), human takeover of a conversation, and the coach's requests for a
-- person. Every operator action is also written to admin_activity_logs (0006).

-- migrate:up

CREATE TABLE operators (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    -- Stored lower-case, so "Sam@Gym.com" and "sam@gym.com" are one account.
    email          text NOT NULL UNIQUE CHECK (email = lower(email) AND email LIKE '%_@_%'),
    -- An argon2id hash in its PHC string form (parameters travel with the hash).
    password_hash  text NOT NULL,
    role           text NOT NULL CHECK (role IN ('viewer', 'coach', 'admin')),
    disabled_at    timestamptz,
    last_login_at  timestamptz,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE TRIGGER operators_updated_at BEFORE UPDATE ON operators
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- Server-side sessions, so logging out (or disabling an operator) ends them at once. Only a
-- SHA-256 of the cookie's token is stored: a copy of this table opens no session.
CREATE TABLE web_sessions (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    token_hash   text NOT NULL UNIQUE,
    operator_id  uuid REFERENCES operators (id) ON DELETE CASCADE,
    user_id      uuid REFERENCES users (id) ON DELETE CASCADE,
    -- The form token every POST of this session must carry.
    csrf_token   text NOT NULL,
    expires_at   timestamptz NOT NULL,
    revoked_at   timestamptz,
    created_at   timestamptz NOT NULL DEFAULT now(),
    -- An operator's session or an athlete's, never both.
    CHECK ((operator_id IS NULL) <> (user_id IS NULL))
);
CREATE INDEX web_sessions_operator_id_idx ON web_sessions (operator_id);
CREATE INDEX web_sessions_user_id_idx ON web_sessions (user_id);
CREATE INDEX web_sessions_expires_at_idx ON web_sessions (expires_at);

-- A person answering instead of the coach. Open while ended_at is NULL and expires_at is in the
-- future; an expired row is closed by the sweeper ('expired'), and the coach resumes either way.
CREATE TABLE takeovers (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id       uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    operator_id   uuid REFERENCES operators (id) ON DELETE SET NULL,
    -- What happens to the morning workout text while the coach is paused.
    morning       text NOT NULL CHECK (morning IN ('hold', 'send')),
    started_at    timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz NOT NULL CHECK (expires_at > started_at),
    ended_at      timestamptz,
    ended_reason  text CHECK (ended_reason IN ('handed_back', 'expired')),
    CHECK (ended_at IS NULL OR ended_at >= started_at),
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CHECK ((ended_at IS NULL) = (ended_reason IS NULL))
);
CREATE UNIQUE INDEX takeovers_one_open_idx ON takeovers (user_id) WHERE ended_at IS NULL;
CREATE INDEX takeovers_user_id_idx ON takeovers (user_id, started_at);
CREATE INDEX takeovers_operator_id_idx ON takeovers (operator_id);
CREATE INDEX takeovers_open_expiry_idx ON takeovers (expires_at) WHERE ended_at IS NULL;
CREATE TRIGGER takeovers_updated_at BEFORE UPDATE ON takeovers
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- The one definition of "a person has this athlete at this moment", used by every query that
-- must not talk over them (the inbox, the sweeper, plan and scheduled texts, the console).
CREATE FUNCTION taken_over(athlete uuid, at timestamptz) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT EXISTS (SELECT 1 FROM takeovers t
                   WHERE t.user_id = athlete AND t.ended_at IS NULL AND t.expires_at > at)
$$;

-- The coach asking for a person: a red flag, repeated confusion, or the athlete asked. At most
-- one open request per athlete; an operator resolves it.
CREATE TABLE help_requests (
    id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id            uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    reason             text NOT NULL CHECK (reason IN ('red_flag', 'confusion', 'asked_for_person')),
    detail             text,
    source_message_id  uuid REFERENCES messages (id) ON DELETE SET NULL,
    turn_id            uuid,
    -- When the operators' webhook accepted the notice (NULL: none configured, or not yet).
    notified_at        timestamptz,
    resolved_at        timestamptz,
    resolved_by        uuid REFERENCES operators (id) ON DELETE SET NULL
                       CHECK (resolved_by IS NULL OR resolved_at IS NOT NULL),
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX help_requests_one_open_idx ON help_requests (user_id)
    WHERE resolved_at IS NULL;
CREATE INDEX help_requests_user_id_idx ON help_requests (user_id, created_at);
CREATE INDEX help_requests_source_message_id_idx ON help_requests (source_message_id);
CREATE INDEX help_requests_resolved_by_idx ON help_requests (resolved_by);
CREATE TRIGGER help_requests_updated_at BEFORE UPDATE ON help_requests
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- The athlete link's one-time codes are looked up by hash.
CREATE UNIQUE INDEX user_auth_codes_code_hash_idx ON user_auth_codes (code_hash);

-- migrate:down

DROP INDEX user_auth_codes_code_hash_idx;
DROP TABLE help_requests;
DROP FUNCTION taken_over(uuid, timestamptz);
DROP TABLE takeovers;
DROP TABLE web_sessions;
DROP TABLE operators;
