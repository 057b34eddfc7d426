-- name: nutrition_inputs
-- What nutrition targets are computed from, in one round trip: the athlete's units and the
-- latest body weight they logged (a text, a log_metric call or the profile reader).
SELECT u.units,
       m.value AS weight, m.unit AS weight_unit, m.measured_at AS weighed_at
FROM users u
LEFT JOIN LATERAL (
    SELECT value, unit, measured_at FROM progress_metrics
    WHERE user_id = u.id AND metric = 'body_weight'
    ORDER BY measured_at DESC, created_at DESC
    LIMIT 1
) m ON true
WHERE u.id = $1;

-- name: active_nutrition_plan
SELECT id, calories, protein_g, carbs_g, fat_g, notes, details, valid_from, created_at
FROM nutrition_plans
WHERE user_id = $1 AND status = 'active';

-- name: store_nutrition_plan
-- New targets become the active row only when their inputs ($7 -> 'inputs') differ from the
-- active row's: the old one is superseded (history kept) in the same statement. Returns the new
-- row's id, or nothing when the active targets already match these inputs.
WITH current AS (
    SELECT id, details -> 'inputs' AS inputs
    FROM nutrition_plans
    WHERE user_id = $1 AND status = 'active'
    FOR UPDATE
), retired AS (
    UPDATE nutrition_plans n
    SET status = 'superseded',
        details = n.details || jsonb_build_object('superseded_on', $8::date)
    FROM current c
    WHERE n.id = c.id AND c.inputs IS DISTINCT FROM ($7::jsonb -> 'inputs')
    RETURNING n.id
)
INSERT INTO nutrition_plans (user_id, status, calories, protein_g, carbs_g, fat_g, notes,
                             details, valid_from)
SELECT $1, 'active', $2, $3, $4, $5, $6, $7, $8
WHERE NOT EXISTS (SELECT 1 FROM current c
                  WHERE c.inputs IS NOT DISTINCT FROM ($7::jsonb -> 'inputs'))
  AND (SELECT count(*) FROM retired) >= 0
RETURNING id;

-- name: nutrition_plan_history
SELECT id, status, calories, protein_g, details, valid_from, created_at
FROM nutrition_plans
WHERE user_id = $1
ORDER BY created_at, status = 'active';

-- name: retire_nutrition_plan
-- Targets no longer apply (a condition for a dietitian, under 18): the active row is superseded.
UPDATE nutrition_plans
SET status = 'superseded',
    details = details || jsonb_build_object('superseded_on', $2::date, 'superseded_because', $3::text)
WHERE user_id = $1 AND status = 'active'
RETURNING id;
