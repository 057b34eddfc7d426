-- name: lock_exercise_library
-- Serialises concurrent seeders (several processes may start at once): held to transaction end.
SELECT pg_advisory_xact_lock(hashtext('textcoach:exercise_library'));

-- name: upsert_movement_patterns
-- One statement for every pattern (parallel arrays). The DO UPDATE only fires when a column
-- differs, so an unchanged row is neither rewritten nor returned: the returned rows are the
-- changes, and xmax = 0 tells an insert from an update.
INSERT INTO movement_patterns (slug, name, category, description)
SELECT t.slug, t.name, t.category, t.description
FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS t (slug, name, category, description)
ON CONFLICT (slug) DO UPDATE
SET name = EXCLUDED.name, category = EXCLUDED.category, description = EXCLUDED.description
WHERE (movement_patterns.name, movement_patterns.category, movement_patterns.description)
      IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.category, EXCLUDED.description)
RETURNING slug, (xmax = 0) AS inserted;

-- name: upsert_exercises
-- One statement for every exercise. Array columns travel as comma-joined text because unnest()
-- flattens a 2-D array instead of yielding rows of arrays; string_to_array('', ',') is '{}'.
-- Only changed rows are updated and returned (see upsert_movement_patterns).
INSERT INTO exercises (pattern_id, slug, name, description, equipment, difficulty, unit,
                       default_min, default_max, cue, is_unilateral, contraindications, tags)
SELECT p.id, t.slug, t.name, t.description, string_to_array(t.equipment, ','), t.difficulty,
       t.unit, t.default_min, t.default_max, t.cue, t.is_unilateral,
       string_to_array(t.contraindications, ','), string_to_array(t.tags, ',')
FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::smallint[],
            $7::text[], $8::integer[], $9::integer[], $10::text[], $11::boolean[], $12::text[],
            $13::text[])
     AS t (slug, name, pattern, description, equipment, difficulty, unit, default_min,
           default_max, cue, is_unilateral, contraindications, tags)
JOIN movement_patterns p ON p.slug = t.pattern
ON CONFLICT (slug) DO UPDATE
SET pattern_id = EXCLUDED.pattern_id, name = EXCLUDED.name, description = EXCLUDED.description,
    equipment = EXCLUDED.equipment, difficulty = EXCLUDED.difficulty, unit = EXCLUDED.unit,
    default_min = EXCLUDED.default_min, default_max = EXCLUDED.default_max, cue = EXCLUDED.cue,
    is_unilateral = EXCLUDED.is_unilateral, contraindications = EXCLUDED.contraindications,
    tags = EXCLUDED.tags
WHERE (exercises.pattern_id, exercises.name, exercises.description, exercises.equipment,
       exercises.difficulty, exercises.unit, exercises.default_min, exercises.default_max,
       exercises.cue, exercises.is_unilateral, exercises.contraindications, exercises.tags)
      IS DISTINCT FROM
      (EXCLUDED.pattern_id, EXCLUDED.name, EXCLUDED.description, EXCLUDED.equipment,
       EXCLUDED.difficulty, EXCLUDED.unit, EXCLUDED.default_min, EXCLUDED.default_max,
       EXCLUDED.cue, EXCLUDED.is_unilateral, EXCLUDED.contraindications, EXCLUDED.tags)
RETURNING slug, (xmax = 0) AS inserted;

-- name: upsert_exercise_aliases
-- Keyed on the normalized alias, so an alias moved to another exercise in the file moves here
-- too (exercise_id updated) instead of failing on the UNIQUE key. Unchanged rows are skipped.
INSERT INTO exercise_aliases (exercise_id, alias)
SELECT e.id, t.alias
FROM unnest($1::text[], $2::text[]) AS t (slug, alias)
JOIN exercises e ON e.slug = t.slug
ON CONFLICT (normalized_alias) DO UPDATE
SET exercise_id = EXCLUDED.exercise_id, alias = EXCLUDED.alias
WHERE (exercise_aliases.exercise_id, exercise_aliases.alias)
      IS DISTINCT FROM (EXCLUDED.exercise_id, EXCLUDED.alias)
RETURNING normalized_alias, (xmax = 0) AS inserted;

-- name: prune_exercise_aliases
-- Aliases of the file's exercises that the file no longer lists ($1 slugs, $2 aliases): a
-- reviewer who deletes a wrong alias must see it stop matching.
DELETE FROM exercise_aliases a
USING exercises e
WHERE a.exercise_id = e.id
  AND e.slug = ANY ($1::text[])
  AND a.normalized_alias NOT IN (SELECT normalize_exercise_alias(x) FROM unnest($2::text[]) AS x)
RETURNING a.normalized_alias;

-- name: prune_exercise_progressions
-- Rows of the file's chains that are not exactly (chain, rung, exercise) in the file. Removing
-- them first frees both UNIQUE (chain, rung) and UNIQUE (chain, exercise_id), so the insert
-- below can reorder a chain without colliding; untouched rungs keep their row.
DELETE FROM exercise_progressions p
WHERE p.chain = ANY ($1::text[])
  AND NOT EXISTS (
      SELECT 1
      FROM unnest($1::text[], $2::integer[], $3::text[]) AS w (chain, rung, slug)
      JOIN exercises e ON e.slug = w.slug
      WHERE w.chain = p.chain AND w.rung = p.rung AND e.id = p.exercise_id
  )
RETURNING p.chain, p.rung;

-- name: insert_exercise_progressions
-- After prune_exercise_progressions every surviving row already matches the file, so a
-- conflict can only be that same row: DO NOTHING, and the returned rows are the new rungs.
INSERT INTO exercise_progressions (chain, rung, exercise_id)
SELECT w.chain, w.rung, e.id
FROM unnest($1::text[], $2::integer[], $3::text[]) AS w (chain, rung, slug)
JOIN exercises e ON e.slug = w.slug
ON CONFLICT (chain, rung) DO NOTHING
RETURNING chain, rung;

-- name: resolve_exercise
-- What an athlete typed -> one exercise: slug, then name (case-insensitive), then alias, then
-- name or slug compared after normalize_exercise_alias() ("Push ups" -> push_up). The loader
-- keeps all these keys unique across the library, so the ranking only breaks ties between
-- kinds of match, never between exercises.
WITH q AS (
    SELECT lower(btrim($1::text)) AS text, normalize_exercise_alias($1::text) AS key
),
m AS (
    SELECT e.id, 1 AS rank, 'slug' AS matched_by
    FROM q JOIN exercises e ON e.slug = q.text
    UNION ALL
    SELECT e.id, 2, 'name'
    FROM q JOIN exercises e ON lower(e.name) = q.text
    UNION ALL
    SELECT a.exercise_id, 3, 'alias'
    FROM q JOIN exercise_aliases a ON a.normalized_alias = q.key
),
-- Normalising every name and slug scans the library (most of this query's time), so it runs
-- only when nothing above matched (a one-time filter).
normalized AS (
    SELECT e.id, 4 AS rank, 'normalized' AS matched_by
    FROM q JOIN exercises e
      ON q.key <> ''
     AND q.key IN (normalize_exercise_alias(e.name), normalize_exercise_alias(e.slug))
    WHERE NOT EXISTS (SELECT 1 FROM m)
)
SELECT e.id, e.slug, e.name, p.slug AS pattern, e.equipment, e.difficulty, e.unit,
       e.default_min, e.default_max, e.cue, e.is_unilateral, e.contraindications,
       m.matched_by
FROM (SELECT * FROM m UNION ALL SELECT * FROM normalized) m
JOIN exercises e ON e.id = m.id
JOIN movement_patterns p ON p.id = e.pattern_id
ORDER BY m.rank, e.slug
LIMIT 1;
