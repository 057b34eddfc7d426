-- Engagement and administration: nutrition targets, achievements, cached AI output, page visits
-- and the admin audit trail.

-- migrate:up

CREATE TABLE nutrition_plans (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    status      text NOT NULL DEFAULT 'active' CHECK (status IN ('draft', 'active', 'superseded')),
    calories    integer CHECK (calories > 0),
    protein_g   integer CHECK (protein_g >= 0),
    carbs_g     integer CHECK (carbs_g >= 0),
    fat_g       integer CHECK (fat_g >= 0),
    notes       text,
    details     jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(details) = 'object'),
    valid_from  date NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX nutrition_plans_user_id_idx ON nutrition_plans (user_id, valid_from);
CREATE UNIQUE INDEX nutrition_plans_one_active_idx ON nutrition_plans (user_id) WHERE status = 'active';
CREATE TRIGGER nutrition_plans_updated_at BEFORE UPDATE ON nutrition_plans
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE achievements (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    slug         text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(_[a-z0-9]+)*$'),
    name         text NOT NULL,
    description  text,
    criteria     jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(criteria) = 'object'),
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE TRIGGER achievements_updated_at BEFORE UPDATE ON achievements
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- UNIQUE makes awarding idempotent; announced_at stays NULL until the text about it is queued.
CREATE TABLE user_achievements (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id         uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    achievement_id  uuid NOT NULL REFERENCES achievements (id) ON DELETE CASCADE,
    achieved_at     timestamptz NOT NULL DEFAULT now(),
    announced_at    timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (user_id, achievement_id)
);
CREATE INDEX user_achievements_achievement_id_idx ON user_achievements (achievement_id);
CREATE TRIGGER user_achievements_updated_at BEFORE UPDATE ON user_achievements
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE ai_content_cache (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    cache_key   text NOT NULL UNIQUE,
    user_id     uuid REFERENCES users (id) ON DELETE CASCADE,
    kind        text NOT NULL,
    content     jsonb NOT NULL,
    -- NULL: never expires.
    expires_at  timestamptz,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ai_content_cache_user_id_idx ON ai_content_cache (user_id);
CREATE INDEX ai_content_cache_expires_at_idx ON ai_content_cache (expires_at);
CREATE TRIGGER ai_content_cache_updated_at BEFORE UPDATE ON ai_content_cache
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- Insert-only analytics. Deleting an athlete unlinks their visits rather than deleting them, so
-- traffic counts do not change after the fact.
CREATE TABLE page_visits (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    path        text NOT NULL,
    user_id     uuid REFERENCES users (id) ON DELETE SET NULL,
    referrer    text,
    user_agent  text,
    visited_at  timestamptz NOT NULL DEFAULT now(),
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX page_visits_visited_at_idx ON page_visits (visited_at);
CREATE INDEX page_visits_user_id_idx ON page_visits (user_id);

-- Insert-only audit trail. No foreign keys on purpose: the record of an action must survive the
-- deletion of whatever it acted on, so the target is named by type and id text.
CREATE TABLE admin_activity_logs (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    actor        text NOT NULL,
    action       text NOT NULL,
    target_type  text,
    target_id    text,
    details      jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(details) = 'object'),
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX admin_activity_logs_created_at_idx ON admin_activity_logs (created_at);
CREATE INDEX admin_activity_logs_target_idx ON admin_activity_logs (target_type, target_id);

-- migrate:down

DROP TABLE admin_activity_logs;
DROP TABLE page_visits;
DROP TABLE ai_content_cache;
DROP TABLE user_achievements;
DROP TABLE achievements;
DROP TABLE nutrition_plans;
