-- name: library_candidates
-- Every exercise this athlete can do: all its equipment is theirs, and it loads no injured area.
SELECT e.slug, e.name, p.slug AS pattern, e.equipment, e.difficulty, e.unit, e.default_min,
       e.default_max, e.cue, e.is_unilateral
FROM exercises e
JOIN movement_patterns p ON p.id = e.pattern_id
WHERE e.equipment <@ $1::text[]
  AND NOT (e.contraindications && $2::text[])
ORDER BY p.slug, e.difficulty, e.slug;
