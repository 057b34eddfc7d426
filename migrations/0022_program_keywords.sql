-- Programmes athletes can text their way into: the keyword they text ("JOIN C25K"), one per
-- programme. A keyword never has a referral code's shape (checked where programmes are
-- validated), so "JOIN <code>" and "JOIN <programme>" cannot be confused.

-- migrate:up

ALTER TABLE programs
    ADD COLUMN keyword text UNIQUE CHECK (keyword ~ '^[A-Z0-9]{2,12}$');

-- migrate:down

ALTER TABLE programs DROP COLUMN keyword;
