-- Programs: ready-made training programs written by an owner (a coach or the house), grouped in
-- families, versioned, and the athletes enrolled in them.
-- Programs are archived, not deleted: foreign keys to them block deletion while anyone is
-- enrolled, so an athlete's history always names the exact version they followed.

-- migrate:up

CREATE TABLE program_owners (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    slug        text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(_[a-z0-9]+)*$'),
    name        text NOT NULL,
    contact     text,
    -- An owner who is also an athlete; their programs outlive their account.
    user_id     uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX program_owners_user_id_idx ON program_owners (user_id);
CREATE TRIGGER program_owners_updated_at BEFORE UPDATE ON program_owners
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE program_families (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    owner_id     uuid NOT NULL REFERENCES program_owners (id),
    slug         text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(_[a-z0-9]+)*$'),
    name         text NOT NULL,
    description  text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX program_families_owner_id_idx ON program_families (owner_id);
CREATE TRIGGER program_families_updated_at BEFORE UPDATE ON program_families
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE programs (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    family_id      uuid REFERENCES program_families (id),
    owner_id       uuid NOT NULL REFERENCES program_owners (id),
    slug           text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(_[a-z0-9]+)*$'),
    name           text NOT NULL,
    description    text,
    level          text CHECK (level IN ('beginner', 'intermediate', 'advanced', 'all')),
    days_per_week  smallint CHECK (days_per_week BETWEEN 1 AND 7),
    weeks          smallint CHECK (weeks BETWEEN 1 AND 104),
    status         text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'archived')),
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX programs_family_id_idx ON programs (family_id);
CREATE INDEX programs_owner_id_idx ON programs (owner_id);
CREATE TRIGGER programs_updated_at BEFORE UPDATE ON programs
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- Versions are immutable once published; editing a program means a new version. is_current marks
-- the one new enrolments get.
CREATE TABLE program_versions (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    program_id    uuid NOT NULL REFERENCES programs (id) ON DELETE CASCADE,
    version       integer NOT NULL CHECK (version >= 1),
    content       jsonb NOT NULL CHECK (jsonb_typeof(content) = 'object'),
    changelog     text,
    published_at  timestamptz,
    is_current    boolean NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (program_id, version),
    UNIQUE (program_id, id),
    CHECK (NOT is_current OR published_at IS NOT NULL)
);
CREATE UNIQUE INDEX program_versions_one_current_idx ON program_versions (program_id)
    WHERE is_current;
CREATE TRIGGER program_versions_updated_at BEFORE UPDATE ON program_versions
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE program_enrollments (
    id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id             uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    program_id          uuid NOT NULL REFERENCES programs (id),
    program_version_id  uuid NOT NULL,
    -- The athlete's plan generated from this enrolment, once written.
    plan_id             uuid,
    started_on          date NOT NULL,
    status              text NOT NULL DEFAULT 'active'
                        CHECK (status IN ('active', 'paused', 'completed', 'dropped')),
    ended_at            timestamptz,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    -- The version must belong to the program, and the plan to the athlete.
    FOREIGN KEY (program_id, program_version_id) REFERENCES program_versions (program_id, id),
    FOREIGN KEY (plan_id, user_id) REFERENCES fitness_plans (id, user_id) ON DELETE SET NULL (plan_id)
);
CREATE INDEX program_enrollments_user_id_idx ON program_enrollments (user_id, started_on);
CREATE INDEX program_enrollments_program_id_idx ON program_enrollments (program_id);
CREATE INDEX program_enrollments_program_version_id_idx ON program_enrollments (program_version_id);
CREATE INDEX program_enrollments_plan_id_idx ON program_enrollments (plan_id);
CREATE UNIQUE INDEX program_enrollments_one_active_idx ON program_enrollments (user_id)
    WHERE status = 'active';
CREATE TRIGGER program_enrollments_updated_at BEFORE UPDATE ON program_enrollments
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- migrate:down

DROP TABLE program_enrollments;
DROP TABLE program_versions;
DROP TABLE programs;
DROP TABLE program_families;
DROP TABLE program_owners;
