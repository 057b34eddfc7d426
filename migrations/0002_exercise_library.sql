-- Exercise library: movement patterns, exercises, the aliases athletes text for them, and
-- progression chains (easier -> harder rungs). Reference data shared by every athlete; seed rows
-- come from sql/, not from here.

-- migrate:up

-- Closed vocabularies, kept as functions so every table checks against one list. Extending a list
-- is CREATE OR REPLACE in a later migration; existing CHECKs pick it up without being rebuilt.
-- No 'bodyweight'/'none': an exercise needing nothing has equipment '{}', so
-- "exercises this athlete can do" is simply exercises.equipment <@ the athlete's equipment.
CREATE FUNCTION equipment_names() RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT ARRAY[
        'dumbbell', 'barbell', 'ez_bar', 'kettlebell', 'machine', 'cable', 'smith_machine',
        'squat_rack', 'bench', 'box', 'bands', 'rings', 'suspension_trainer', 'pull_up_bar',
        'parallel_bars', 'parallettes', 'low_bar', 'ab_wheel', 'medicine_ball', 'sandbag',
        'weight_vest', 'dip_belt', 'jump_rope', 'sled', 'cardio_machine', 'treadmill',
        'bike', 'rower', 'pool'
    ]::text[]
$$;

CREATE FUNCTION body_areas() RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT ARRAY[
        'neck', 'shoulder', 'elbow', 'wrist', 'hand', 'chest', 'upper_back', 'lower_back',
        'abdomen', 'hip', 'groin', 'hamstring', 'knee', 'calf', 'ankle', 'foot'
    ]::text[]
$$;

-- Lower-case and drop everything but letters and digits, so "Push-Ups", "push ups" and "pushups"
-- meet on one key. Look-ups must normalise the athlete's text with this same function.
CREATE FUNCTION normalize_exercise_alias(alias text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT regexp_replace(lower(alias), '[^a-z0-9]+', '', 'g')
$$;

CREATE TABLE movement_patterns (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    slug         text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(_[a-z0-9]+)*$'),
    name         text NOT NULL,
    category     text NOT NULL
                 CHECK (category IN ('strength', 'core', 'power', 'conditioning', 'skill', 'mobility')),
    description  text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE TRIGGER movement_patterns_updated_at BEFORE UPDATE ON movement_patterns
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE exercises (
    id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    pattern_id         uuid NOT NULL REFERENCES movement_patterns (id),
    slug               text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(_[a-z0-9]+)*$'),
    name               text NOT NULL,
    description        text,
    -- Everything required (all of it); '{}' means no equipment at all.
    equipment          text[] NOT NULL DEFAULT '{}' CHECK (equipment <@ equipment_names()),
    difficulty         smallint NOT NULL CHECK (difficulty BETWEEN 1 AND 10),
    unit               text NOT NULL DEFAULT 'reps' CHECK (unit IN ('reps', 'seconds', 'distance')),
    -- Default target range per set, in the exercise's unit (reps, seconds or metres).
    default_min        integer CHECK (default_min > 0),
    default_max        integer CHECK (default_max > 0),
    cue                text,
    is_unilateral      boolean NOT NULL DEFAULT false,
    contraindications  text[] NOT NULL DEFAULT '{}' CHECK (contraindications <@ body_areas()),
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    CHECK (default_min <= default_max)
);
CREATE INDEX exercises_pattern_id_idx ON exercises (pattern_id, difficulty);
-- Queried as equipment <@ $athlete_equipment and contraindications && $injured_areas.
CREATE INDEX exercises_equipment_idx ON exercises USING gin (equipment);
CREATE INDEX exercises_contraindications_idx ON exercises USING gin (contraindications);
CREATE TRIGGER exercises_updated_at BEFORE UPDATE ON exercises
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE exercise_aliases (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    exercise_id       uuid NOT NULL REFERENCES exercises (id) ON DELETE CASCADE,
    alias             text NOT NULL,
    normalized_alias  text NOT NULL UNIQUE
                      GENERATED ALWAYS AS (normalize_exercise_alias(alias)) STORED
                      CHECK (normalized_alias <> ''),
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX exercise_aliases_exercise_id_idx ON exercise_aliases (exercise_id);
CREATE TRIGGER exercise_aliases_updated_at BEFORE UPDATE ON exercise_aliases
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- A chain is an ordered ladder (e.g. 'push_up': wall -> incline -> full -> diamond -> pseudo-planche);
-- moving up or down a chain is rung + 1 / rung - 1. An exercise may sit on several chains.
CREATE TABLE exercise_progressions (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    chain        text NOT NULL CHECK (chain ~ '^[a-z0-9]+(_[a-z0-9]+)*$'),
    rung         integer NOT NULL CHECK (rung >= 1),
    exercise_id  uuid NOT NULL REFERENCES exercises (id) ON DELETE CASCADE,
    notes        text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (chain, rung),
    UNIQUE (chain, exercise_id)
);
CREATE INDEX exercise_progressions_exercise_id_idx ON exercise_progressions (exercise_id);
CREATE TRIGGER exercise_progressions_updated_at BEFORE UPDATE ON exercise_progressions
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- migrate:down

DROP TABLE exercise_progressions;
DROP TABLE exercise_aliases;
DROP TABLE exercises;
DROP TABLE movement_patterns;
DROP FUNCTION normalize_exercise_alias(text);
DROP FUNCTION body_areas();
DROP FUNCTION equipment_names();
