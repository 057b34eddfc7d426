-- What athletes really tell a coach, kept as facts the planner can use: their age, the days
-- they cannot train, the numbers they lift now and the ones they aim for, the heaviest weight
-- they own, the runs or climbs they do on fixed days, and which text each field came from.
-- Outbound questions record the profile fields they asked, so onboarding counts its questions
-- from rows rather than reading its own wording back. Trips are temporary zones and
-- equipment with a start and an end, so nothing changes before a trip starts and everything
-- reverts when it ends.

-- Rest-day texts become opt-in: an athlete training twice a week should not get five "rest
-- day" texts a week; the weekly recap already previews the week.

-- migrate:up

ALTER TABLE users ALTER COLUMN rest_day_texts SET DEFAULT false;

ALTER TABLE fitness_profiles
    ADD COLUMN age            smallint CHECK (age BETWEEN 10 AND 110),
    ADD COLUMN excluded_days  smallint[] NOT NULL DEFAULT '{}'
                              CHECK (excluded_days <@ '{1,2,3,4,5,6,7}'::smallint[]),
    ADD COLUMN lifts          jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(lifts) = 'array'),
    ADD COLUMN targets        jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(targets) = 'array'),
    ADD COLUMN load_caps      jsonb NOT NULL DEFAULT '[]'
                              CHECK (jsonb_typeof(load_caps) = 'array'),
    ADD COLUMN activities     jsonb NOT NULL DEFAULT '[]'
                              CHECK (jsonb_typeof(activities) = 'array'),
    -- field -> {"message_id": ..., "text": ..., "assumed": bool}
    ADD COLUMN sources        jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(sources) = 'object');

ALTER TABLE messages ADD COLUMN asks text[];

CREATE TABLE trips (
    id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id            uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    starts_on          date NOT NULL,
    ends_on            date NOT NULL,
    place              text,
    timezone           text,
    -- NULL: the athlete's own equipment; '{}' bodyweight only.
    equipment          text[] CHECK (equipment <@ equipment_names()),
    reason             text,
    source_message_id  uuid REFERENCES messages (id) ON DELETE SET NULL,
    cancelled_at       timestamptz,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    CHECK (ends_on >= starts_on)
);
CREATE INDEX trips_user_id_idx ON trips (user_id, starts_on);
CREATE INDEX trips_source_message_id_idx ON trips (source_message_id);
CREATE TRIGGER trips_updated_at BEFORE UPDATE ON trips
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- migrate:down

ALTER TABLE users ALTER COLUMN rest_day_texts SET DEFAULT true;

DROP TABLE trips;
ALTER TABLE messages DROP COLUMN asks;
ALTER TABLE fitness_profiles
    DROP COLUMN age, DROP COLUMN excluded_days, DROP COLUMN lifts, DROP COLUMN targets,
    DROP COLUMN load_caps, DROP COLUMN activities, DROP COLUMN sources;
