-- Progression as a record: each time the coach moves an athlete up or down a chain, or changes a
-- load, one row says from what, to what and why. The week writer follows these rows to find
-- what an athlete is on now (the engine alone would pick the same starting rung every week), the
-- coach reads them to explain a change, and announced_at makes "you moved up" a text sent once.
-- Also the achievements the coach announces, as reference rows.

-- migrate:up

CREATE TABLE progression_steps (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id           uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    from_exercise_id  uuid NOT NULL REFERENCES exercises (id) ON DELETE CASCADE,
    to_exercise_id    uuid NOT NULL REFERENCES exercises (id) ON DELETE CASCADE,
    action            text NOT NULL CHECK (action IN ('up_rung', 'add_load', 'add_reps', 'hold',
                                                      'down_rung', 'reduce_load')),
    load              numeric(7,2) CHECK (load > 0),
    load_unit         text CHECK (load_unit IN ('kg', 'lb')),
    reason            text NOT NULL,
    decided_on        date NOT NULL,
    -- The week whose writing made the decision; one decision per exercise per week.
    microcycle_id     uuid REFERENCES microcycles (id) ON DELETE SET NULL,
    announced_at      timestamptz,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    UNIQUE (user_id, from_exercise_id, microcycle_id),
    CHECK (load IS NULL OR load_unit IS NOT NULL)
);
-- "Where is this athlete on this exercise now": the newest step from it.
CREATE INDEX progression_steps_user_from_idx
    ON progression_steps (user_id, from_exercise_id, created_at DESC);
CREATE INDEX progression_steps_unannounced_idx
    ON progression_steps (user_id) WHERE announced_at IS NULL;
CREATE INDEX progression_steps_from_exercise_id_idx ON progression_steps (from_exercise_id);
CREATE INDEX progression_steps_to_exercise_id_idx ON progression_steps (to_exercise_id);
CREATE INDEX progression_steps_microcycle_id_idx ON progression_steps (microcycle_id);
CREATE TRIGGER progression_steps_updated_at BEFORE UPDATE ON progression_steps
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE INDEX user_achievements_unannounced_idx
    ON user_achievements (user_id) WHERE announced_at IS NULL;

INSERT INTO achievements (slug, name, description, criteria) VALUES
    ('first_session', 'First session', 'The first logged session.', '{"sessions": 1}'),
    ('ten_sessions', '10 sessions', 'Ten sessions completed.', '{"sessions": 10}'),
    ('twenty_five_sessions', '25 sessions', 'Twenty-five sessions completed.',
     '{"sessions": 25}'),
    ('first_pull_up', 'First pull-up', 'A first strict pull-up or chin-up.',
     '{"exercise": ["pull_up", "chin_up"]}'),
    ('first_push_up', 'First full push-up', 'A first full push-up from the floor.',
     '{"exercise": ["push_up"]}'),
    ('new_rung', 'New rung', 'Moved up a progression chain.', '{"step": "up_rung"}'),
    ('full_week', 'Full week', 'Every session of a training week completed.',
     '{"weeks": 1}'),
    ('four_week_streak', '4-week streak', 'Four training weeks in a row with every session done.',
     '{"weeks": 4}')
ON CONFLICT (slug) DO NOTHING;

-- migrate:down

DELETE FROM achievements WHERE slug IN ('first_session', 'ten_sessions', 'twenty_five_sessions',
                                        'first_pull_up', 'first_push_up', 'new_rung',
                                        'full_week', 'four_week_streak');
DROP INDEX user_achievements_unannounced_idx;
DROP TABLE progression_steps;
