-- Calf raises get a tag of their own, so a runner's strength sessions can ask for calf work
-- (the soleus carries much of the load of every stride) instead of hoping a "squat" slot picks
-- one. The tag list grows; the CHECK on exercises.tags reads it through exercise_tags().

-- migrate:up

CREATE OR REPLACE FUNCTION exercise_tags() RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT ARRAY[
        'impact', 'spinal_flexion', 'axial_load', 'deep_knee_flexion', 'kneeling', 'overhead',
        'floor', 'functional', 'skill', 'isolation', 'conditioning', 'calves'
    ]::text[]
$$;

-- migrate:down

UPDATE exercises SET tags = array_remove(tags, 'calves') WHERE 'calves' = ANY (tags);
CREATE OR REPLACE FUNCTION exercise_tags() RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT ARRAY[
        'impact', 'spinal_flexion', 'axial_load', 'deep_knee_flexion', 'kneeling', 'overhead',
        'floor', 'functional', 'skill', 'isolation', 'conditioning'
    ]::text[]
$$;
