-- What an exercise asks of the body beyond its pattern (impact, spinal flexion, axial load, deep
-- knee flexion, kneeling, overhead, the floor), so a plan keeps promises like "no jumping after
-- a knee replacement" or "nothing that curls a cranky lower back" by rule rather than by a list
-- of names; and what it is for (functional, skill, isolation, conditioning), so an archetype can
-- ask for "skill work first" or "everyday movements".
--
-- Every plan and every week written is scored by the programme rubric
-- (worker/planning/rubric.py): a 0-100 score and the hard violations found, kept with the plan
-- so `textcoach plans check` and the replay can read them back.

-- migrate:up

CREATE FUNCTION exercise_tags() RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT ARRAY[
        'impact', 'spinal_flexion', 'axial_load', 'deep_knee_flexion', 'kneeling', 'overhead',
        'floor', 'functional', 'skill', 'isolation', 'conditioning'
    ]::text[]
$$;

ALTER TABLE exercises
    ADD COLUMN tags text[] NOT NULL DEFAULT '{}' CHECK (tags <@ exercise_tags());
CREATE INDEX exercises_tags_idx ON exercises USING gin (tags);

ALTER TABLE fitness_plans
    ADD COLUMN score smallint CHECK (score BETWEEN 0 AND 100),
    -- [{"rule": ..., "detail": ...}]: hard violations of the athlete's constraints
    ADD COLUMN violations jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(violations) = 'array'),
    -- {"dimension": {"score": n, "reasons": [...]}}: the rubric's reasons
    ADD COLUMN rubric jsonb;

ALTER TABLE microcycles
    ADD COLUMN score smallint CHECK (score BETWEEN 0 AND 100),
    ADD COLUMN violations jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(violations) = 'array');

-- migrate:down

ALTER TABLE microcycles DROP COLUMN score, DROP COLUMN violations;
ALTER TABLE fitness_plans DROP COLUMN score, DROP COLUMN violations, DROP COLUMN rubric;
DROP INDEX exercises_tags_idx;
ALTER TABLE exercises DROP COLUMN tags;
DROP FUNCTION exercise_tags();
