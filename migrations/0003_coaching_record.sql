-- The coaching record: who the athlete is (profile versions), what they should do (plan ->
-- mesocycles -> microcycles -> workout instances) and what they did (exercise logs, metrics,
-- photos, check-ins).
-- Child rows carry user_id next to their parent's id, and composite foreign keys such as
-- (plan_id, user_id) -> fitness_plans (id, user_id) make a row pointing at another athlete's
-- plan, week or workout impossible, whatever a tool call asks for.

-- migrate:up

-- Append-only: a change to the profile is a new version; plans point at the version they were
-- written from. The latest is ORDER BY version DESC LIMIT 1, served by UNIQUE (user_id, version).
CREATE TABLE fitness_profiles (
    id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id            uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    version            integer NOT NULL CHECK (version >= 1),
    goals              text[] NOT NULL DEFAULT '{}',
    primary_goal       text CHECK (primary_goal IN ('strength', 'hypertrophy', 'fat_loss', 'endurance',
                                                    'general_fitness', 'skill', 'mobility', 'sport')),
    experience         text CHECK (experience IN ('beginner', 'intermediate', 'advanced')),
    days_per_week      smallint CHECK (days_per_week BETWEEN 1 AND 7),
    -- ISO weekdays, 1 = Monday .. 7 = Sunday.
    training_days      smallint[] NOT NULL DEFAULT '{}'
                       CHECK (training_days <@ '{1,2,3,4,5,6,7}'::smallint[]),
    session_minutes    smallint CHECK (session_minutes BETWEEN 10 AND 240),
    equipment          text[] NOT NULL DEFAULT '{}' CHECK (equipment <@ equipment_names()),
    training_location  text CHECK (training_location IN ('home', 'gym', 'outdoors', 'mixed')),
    injuries           jsonb NOT NULL DEFAULT '[]'
                       CHECK (jsonb_typeof(injuries) = 'array'
                              AND NOT jsonb_path_exists(injuries, '$[*] ? (@.type() != "object")')),
    preferences        jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(preferences) = 'object'),
    summary            text,
    source_message_id  uuid REFERENCES messages (id) ON DELETE SET NULL,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    UNIQUE (user_id, version),
    UNIQUE (id, user_id)
);
CREATE INDEX fitness_profiles_source_message_id_idx ON fitness_profiles (source_message_id);
CREATE TRIGGER fitness_profiles_updated_at BEFORE UPDATE ON fitness_profiles
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE fitness_plans (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    profile_id  uuid NOT NULL,
    status      text NOT NULL DEFAULT 'draft'
                CHECK (status IN ('draft', 'active', 'superseded', 'completed')),
    goal        text,
    start_date  date NOT NULL,
    end_date    date,
    weeks       smallint CHECK (weeks BETWEEN 1 AND 104),
    details     jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(details) = 'object'),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (id, user_id),
    FOREIGN KEY (profile_id, user_id) REFERENCES fitness_profiles (id, user_id),
    -- [start_date, end_date), like every date range in this schema.
    CHECK (start_date < end_date)
);
CREATE INDEX fitness_plans_user_id_idx ON fitness_plans (user_id, start_date);
CREATE INDEX fitness_plans_profile_id_idx ON fitness_plans (profile_id);
CREATE UNIQUE INDEX fitness_plans_one_active_idx ON fitness_plans (user_id) WHERE status = 'active';
CREATE TRIGGER fitness_plans_updated_at BEFORE UPDATE ON fitness_plans
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE mesocycles (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    plan_id      uuid NOT NULL REFERENCES fitness_plans (id) ON DELETE CASCADE,
    -- 1-based position of this block within the plan.
    phase_index  smallint NOT NULL CHECK (phase_index >= 1),
    name         text NOT NULL,
    focus        text,
    start_date   date NOT NULL,
    end_date     date NOT NULL,
    weeks        smallint NOT NULL CHECK (weeks BETWEEN 1 AND 26),
    -- 1-based week of this mesocycle that is the deload; NULL when it has none.
    deload_week  smallint CHECK (deload_week BETWEEN 1 AND weeks),
    details      jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(details) = 'object'),
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (plan_id, phase_index),
    UNIQUE (id, plan_id),
    CHECK (start_date < end_date)
);
CREATE TRIGGER mesocycles_updated_at BEFORE UPDATE ON mesocycles
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- One training week, [start_date, end_date). Weeks of a plan cannot share a number or a start
-- date; an EXCLUDE over date ranges would also need btree_gist, which embedded pgserver lacks.
CREATE TABLE microcycles (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    mesocycle_id  uuid NOT NULL,
    plan_id       uuid NOT NULL,
    user_id       uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- 1-based week number within the whole plan.
    week_index    smallint NOT NULL CHECK (week_index >= 1),
    start_date    date NOT NULL,
    end_date      date NOT NULL,
    is_deload     boolean NOT NULL DEFAULT false,
    target_rir    smallint CHECK (target_rir BETWEEN 0 AND 10),
    details       jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(details) = 'object'),
    status        text NOT NULL DEFAULT 'planned'
                  CHECK (status IN ('planned', 'active', 'completed', 'skipped')),
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (plan_id, week_index),
    UNIQUE (plan_id, start_date),
    UNIQUE (id, plan_id),
    FOREIGN KEY (mesocycle_id, plan_id) REFERENCES mesocycles (id, plan_id) ON DELETE CASCADE,
    FOREIGN KEY (plan_id, user_id) REFERENCES fitness_plans (id, user_id) ON DELETE CASCADE,
    CHECK (start_date < end_date)
);
CREATE INDEX microcycles_mesocycle_id_idx ON microcycles (mesocycle_id);
-- "This athlete's current week": user_id = $1 AND start_date <= $today AND end_date > $today.
CREATE INDEX microcycles_user_id_idx ON microcycles (user_id, start_date);
CREATE TRIGGER microcycles_updated_at BEFORE UPDATE ON microcycles
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- The prescription for one athlete-local date. Ad-hoc workouts have no plan or week.
-- Re-planning a week keeps its dated workouts (microcycle_id is cleared), since a completed
-- workout is history; deleting the whole plan removes them.
CREATE TABLE workout_instances (
    id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id            uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    plan_id            uuid,
    microcycle_id      uuid,
    date               date NOT NULL,
    title              text,
    focus              text,
    status             text NOT NULL DEFAULT 'scheduled'
                       CHECK (status IN ('scheduled', 'completed', 'partial', 'skipped', 'moved', 'rest')),
    is_rest_day        boolean NOT NULL DEFAULT false,
    blocks             jsonb NOT NULL DEFAULT '[]'
                       CHECK (jsonb_typeof(blocks) = 'array'
                              AND NOT jsonb_path_exists(blocks, '$[*] ? (@.type() != "object")')),
    estimated_minutes  smallint CHECK (estimated_minutes BETWEEN 0 AND 600),
    notes              text,
    completed_at       timestamptz,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    UNIQUE (user_id, date),
    UNIQUE (id, user_id),
    FOREIGN KEY (plan_id, user_id) REFERENCES fitness_plans (id, user_id) ON DELETE CASCADE,
    FOREIGN KEY (microcycle_id, plan_id) REFERENCES microcycles (id, plan_id)
        ON DELETE SET NULL (microcycle_id),
    -- Without plan_id the (microcycle_id, plan_id) key would not be checked at all.
    CHECK (microcycle_id IS NULL OR plan_id IS NOT NULL),
    CHECK (status <> 'rest' OR is_rest_day),
    CHECK (completed_at IS NULL OR status IN ('completed', 'partial'))
);
CREATE INDEX workout_instances_plan_id_idx ON workout_instances (plan_id);
CREATE INDEX workout_instances_microcycle_id_idx ON workout_instances (microcycle_id);
CREATE TRIGGER workout_instances_updated_at BEFORE UPDATE ON workout_instances
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- What was actually done, one row per exercise per session, against the prescription it answered
-- (copied into prescribed, so later edits of the workout do not rewrite history).
CREATE TABLE exercise_logs (
    id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id              uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    workout_instance_id  uuid,
    exercise_id          uuid REFERENCES exercises (id) ON DELETE SET NULL,
    -- As the athlete named it; kept when the exercise is unknown or later removed.
    exercise_name        text NOT NULL,
    performed_on         date NOT NULL,
    prescribed           jsonb CHECK (jsonb_typeof(prescribed) = 'object'),
    sets                 jsonb NOT NULL DEFAULT '[]'
                         CHECK (jsonb_typeof(sets) = 'array'
                                AND NOT jsonb_path_exists(sets, '$[*] ? (@.type() != "object")')),
    total_reps           integer CHECK (total_reps >= 0),
    total_seconds        integer CHECK (total_seconds >= 0),
    top_load             numeric(7,2) CHECK (top_load >= 0),
    load_unit            text CHECK (load_unit IN ('kg', 'lb')),
    rpe                  numeric(3,1) CHECK (rpe BETWEEN 1 AND 10),
    felt                 text,
    pain                 boolean NOT NULL DEFAULT false,
    pain_area            text CHECK (pain_area = ANY (body_areas())),
    notes                text,
    source_message_id    uuid REFERENCES messages (id) ON DELETE SET NULL,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (workout_instance_id, user_id) REFERENCES workout_instances (id, user_id)
        ON DELETE SET NULL (workout_instance_id),
    CHECK (top_load IS NULL OR load_unit IS NOT NULL),
    CHECK (pain OR pain_area IS NULL)
);
CREATE INDEX exercise_logs_user_id_idx ON exercise_logs (user_id, performed_on);
CREATE INDEX exercise_logs_user_exercise_idx ON exercise_logs (user_id, exercise_id, performed_on);
CREATE INDEX exercise_logs_workout_instance_id_idx ON exercise_logs (workout_instance_id);
CREATE INDEX exercise_logs_exercise_id_idx ON exercise_logs (exercise_id);
CREATE INDEX exercise_logs_source_message_id_idx ON exercise_logs (source_message_id);
CREATE TRIGGER exercise_logs_updated_at BEFORE UPDATE ON exercise_logs
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE progress_metrics (
    id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id            uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    metric             text NOT NULL CHECK (metric ~ '^[a-z0-9]+(_[a-z0-9]+)*$'),
    value              numeric,
    unit               text,
    measured_at        timestamptz NOT NULL DEFAULT now(),
    data               jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(data) = 'object'),
    source_message_id  uuid REFERENCES messages (id) ON DELETE SET NULL,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX progress_metrics_user_id_idx ON progress_metrics (user_id, metric, measured_at);
CREATE INDEX progress_metrics_source_message_id_idx ON progress_metrics (source_message_id);
CREATE TRIGGER progress_metrics_updated_at BEFORE UPDATE ON progress_metrics
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE progress_photos (
    id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id            uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    storage_key        text NOT NULL UNIQUE,
    taken_at           timestamptz NOT NULL DEFAULT now(),
    caption            text,
    source_message_id  uuid REFERENCES messages (id) ON DELETE SET NULL,
    deleted_at         timestamptz,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX progress_photos_user_id_idx ON progress_photos (user_id, taken_at);
CREATE INDEX progress_photos_source_message_id_idx ON progress_photos (source_message_id);
CREATE TRIGGER progress_photos_updated_at BEFORE UPDATE ON progress_photos
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- One row per scheduled question; UNIQUE makes asking twice for the same day a no-op.
CREATE TABLE check_ins (
    id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id            uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind               text NOT NULL CHECK (kind IN ('daily', 'weekly', 'monthly')),
    due_on             date NOT NULL,
    asked_at           timestamptz,
    answered_at        timestamptz,
    energy             smallint CHECK (energy BETWEEN 1 AND 10),
    soreness           smallint CHECK (soreness BETWEEN 1 AND 10),
    sleep              smallint CHECK (sleep BETWEEN 1 AND 10),
    motivation         smallint CHECK (motivation BETWEEN 1 AND 10),
    notes              text,
    raw                jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(raw) = 'object'),
    source_message_id  uuid REFERENCES messages (id) ON DELETE SET NULL,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    UNIQUE (user_id, kind, due_on)
);
CREATE INDEX check_ins_source_message_id_idx ON check_ins (source_message_id);
CREATE TRIGGER check_ins_updated_at BEFORE UPDATE ON check_ins
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- migrate:down

DROP TABLE check_ins;
DROP TABLE progress_photos;
DROP TABLE progress_metrics;
DROP TABLE exercise_logs;
DROP TABLE workout_instances;
DROP TABLE microcycles;
DROP TABLE mesocycles;
DROP TABLE fitness_plans;
DROP TABLE fitness_profiles;
