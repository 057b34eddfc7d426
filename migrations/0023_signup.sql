-- Verified web sign-up. user_auth_codes held only the athlete page's one-time links; it now
-- also holds the six-digit codes texted to a number entered on /signup, and the two must never
-- be mistaken for each other (a new page link retires the athlete's earlier links, and a wrong
-- sign-up code counts against the sign-up code, not a link), so each row says what it is for.
-- users.opted_in_via records where the consent in opted_in_at came from: a text to the coach
-- ('sms') or the sign-up form's consent box, proven by the code texted to the number ('web').

-- migrate:up

ALTER TABLE user_auth_codes
    ADD COLUMN purpose text NOT NULL DEFAULT 'page_link'
        CHECK (purpose IN ('page_link', 'signup'));
CREATE INDEX user_auth_codes_signup_idx ON user_auth_codes (user_id, created_at DESC)
    WHERE purpose = 'signup';

ALTER TABLE users
    ADD COLUMN opted_in_via text CHECK (opted_in_via IN ('sms', 'web'));
COMMENT ON COLUMN users.opted_in_via IS
    'Where opted_in_at came from: a text (sms) or the verified web sign-up form (web).';

-- migrate:down

ALTER TABLE users DROP COLUMN opted_in_via;
DROP INDEX user_auth_codes_signup_idx;
ALTER TABLE user_auth_codes DROP COLUMN purpose;
