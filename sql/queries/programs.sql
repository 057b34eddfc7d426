-- name: upsert_program_owner
INSERT INTO program_owners (slug, name, contact) VALUES ($1, $2, $3)
ON CONFLICT (slug) DO UPDATE SET name = EXCLUDED.name, contact = EXCLUDED.contact
RETURNING id;

-- name: upsert_program_family
INSERT INTO program_families (owner_id, slug, name, description) VALUES ($1, $2, $3, $4)
ON CONFLICT (slug) DO UPDATE SET name = EXCLUDED.name, description = EXCLUDED.description
RETURNING id;

-- name: lock_programs
-- Syncs and first-start publishes take turns (two processes starting at once).
SELECT pg_advisory_xact_lock(hashtext('textcoach:programs'));

-- name: upsert_program
-- A programme's catalogue row, made from its first file. What athletes see of it (name,
-- keyword, weeks...) changes only when a version is published (publish_program_version), so
-- syncing a draft never renames what is on offer.
INSERT INTO programs (family_id, owner_id, slug, name, description, level, days_per_week,
                      weeks, keyword)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
ON CONFLICT (slug) DO UPDATE SET slug = EXCLUDED.slug
RETURNING id;

-- name: latest_program_version
-- The newest version of programme $1, published or not, locked: sync writes after reading it.
SELECT id, version, content, published_at
FROM program_versions
WHERE program_id = $1
ORDER BY version DESC
LIMIT 1
FOR UPDATE;

-- name: insert_program_version
INSERT INTO program_versions (program_id, version, content, changelog)
VALUES ($1, $2, $3, $4)
RETURNING id;

-- name: update_draft_version
-- A draft is the author's to change until it is published; a published version never changes.
UPDATE program_versions SET content = $2, changelog = $3
WHERE id = $1 AND published_at IS NULL;

-- name: publish_program_version
-- Version $2 of programme $1 becomes the one new enrolments get (the one before stops being
-- current in the same statement, so there is never none and never two).
WITH target AS (
    SELECT v.id FROM program_versions v
    JOIN programs p ON p.id = v.program_id
    WHERE p.slug = $1 AND v.version = $2
), cleared AS (
    UPDATE program_versions v SET is_current = false
    FROM programs p
    WHERE p.id = v.program_id AND p.slug = $1 AND v.is_current
      AND v.id <> (SELECT id FROM target)
    RETURNING v.id
), published AS (
    UPDATE program_versions v
    SET published_at = COALESCE(v.published_at, $3), is_current = true
    WHERE v.id = (SELECT id FROM target) AND (SELECT count(*) FROM cleared) >= 0
    RETURNING v.id, v.program_id
)
UPDATE programs p
SET status = 'published', name = v.content->>'name',
    description = nullif(v.content->>'description', ''), level = v.content->>'level',
    days_per_week = (v.content->'days'->>'recommended')::smallint,
    weeks = (SELECT sum((ph->>'weeks')::int) FROM jsonb_array_elements(v.content->'phases') ph),
    keyword = v.content->>'keyword',
    family_id = coalesce((SELECT f.id FROM program_families f
                          WHERE f.slug = v.content->'family'->>'slug'), p.family_id)
FROM published
JOIN program_versions v ON v.id = published.id
WHERE p.id = published.program_id
RETURNING p.id;

-- name: unpublished_programs
-- Of programmes $1, those with no published version at all: what a first start publishes.
SELECT p.slug, max(v.version) AS version
FROM programs p
JOIN program_versions v ON v.program_id = p.id
WHERE p.slug = ANY($1::text[])
GROUP BY p.id, p.slug
HAVING bool_and(v.published_at IS NULL);

-- name: published_programs
-- The programmes athletes can join: each one's current version.
SELECT p.slug, p.keyword, p.name, v.version, v.content
FROM programs p
JOIN program_versions v ON v.program_id = p.id AND v.is_current
WHERE p.status = 'published'
ORDER BY p.name;

-- name: program_catalogue
-- Every programme for `textcoach programs list`: current and newest version, athletes enrolled.
SELECT p.slug, p.keyword, p.name, p.status,
       (SELECT version FROM program_versions v WHERE v.program_id = p.id AND v.is_current)
           AS current_version,
       (SELECT max(version) FROM program_versions v WHERE v.program_id = p.id) AS latest_version,
       (SELECT count(*) FROM program_enrollments e WHERE e.program_id = p.id
                                                     AND e.status = 'active') AS enrolled
FROM programs p
ORDER BY p.slug;

-- name: program_version_content
-- One version's content ($2 NULL: the newest).
SELECT v.version, v.content, v.changelog, v.published_at, v.is_current
FROM program_versions v
JOIN programs p ON p.id = v.program_id
WHERE p.slug = $1 AND ($2::int IS NULL OR v.version = $2)
ORDER BY v.version DESC
LIMIT 1;

-- name: active_enrollment
-- The athlete's current programme: its version's content, and the plan written from it (NULL
-- until the plan is built).
SELECT e.id, e.plan_id, e.started_on, p.slug, p.keyword, p.name, v.version, v.content
FROM program_enrollments e
JOIN programs p ON p.id = e.program_id
JOIN program_versions v ON v.id = e.program_version_id
WHERE e.user_id = $1 AND e.status = 'active';

-- name: enrollment_of_plan
-- The programme version plan $1 was written from, if any: its weeks keep being written from
-- that version whatever was published since.
SELECT v.content
FROM program_enrollments e
JOIN program_versions v ON v.id = e.program_version_id
WHERE e.plan_id = $1;

-- name: end_enrollment
-- The athlete leaves their current programme ($2: 'dropped' or 'completed').
UPDATE program_enrollments SET status = $2, ended_at = $3
WHERE user_id = $1 AND status = 'active'
RETURNING id;

-- name: enroll
-- Enrol athlete $1 in the current version of programme $2 from $3 (the plan's start is set
-- when the plan is written).
INSERT INTO program_enrollments (user_id, program_id, program_version_id, started_on)
SELECT $1, p.id, v.id, $3
FROM programs p
JOIN program_versions v ON v.program_id = p.id AND v.is_current
WHERE p.slug = $2
RETURNING id;

-- name: link_enrollment_plan
-- The plan just written from enrolment $1 (once; an enrolment ended meanwhile stays ended).
UPDATE program_enrollments SET plan_id = $2, started_on = $3
WHERE id = $1 AND status = 'active' AND plan_id IS NULL
RETURNING id;

-- name: drop_enrollment
-- An enrolment that turned out not to suit the athlete once onboarding told us more.
UPDATE program_enrollments SET status = 'dropped', ended_at = $2
WHERE id = $1 AND status = 'active';

-- name: end_enrollment_of_plan
-- A plan ended for another reason (a new goal): the programme it followed ends with it.
UPDATE program_enrollments SET status = 'dropped', ended_at = $3
WHERE user_id = $1 AND plan_id = $2 AND status = 'active';

-- name: programs_in_context
-- What the coach's context says of programmes: those on offer, and the athlete's own.
SELECT
    (SELECT coalesce(jsonb_agg(jsonb_build_object('keyword', p.keyword, 'name', p.name,
                                                  'summary', v.content->>'summary',
                                                  'aliases', coalesce(v.content->'aliases',
                                                                      '[]'::jsonb))
                               ORDER BY p.name), '[]'::jsonb)
     FROM programs p
     JOIN program_versions v ON v.program_id = p.id AND v.is_current
     WHERE p.status = 'published') AS offered,
    (SELECT p.name FROM program_enrollments e JOIN programs p ON p.id = e.program_id
     WHERE e.user_id = $1 AND e.status = 'active') AS enrolled;

-- name: current_program_version
SELECT v.version FROM program_versions v JOIN programs p ON p.id = v.program_id
WHERE p.slug = $1 AND v.is_current;

-- name: program_slugs
SELECT slug FROM programs;
