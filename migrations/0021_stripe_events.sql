-- migrate:up
-- Subscriptions, applied from Stripe's webhooks (worker/coach/subscriptions.py).

-- Every Stripe event received, kept by its id: a redelivery finds its row and changes nothing.
-- An event about a subscription not yet linked to an athlete (Stripe often sends
-- customer.subscription.created before checkout.session.completed names the athlete) waits
-- here, applied_at NULL, until the checkout links it.
CREATE TABLE stripe_events (
    id               text PRIMARY KEY,            -- Stripe's evt_...
    type             text NOT NULL,
    created          timestamptz NOT NULL,        -- when Stripe says it happened
    subscription_id  text,                        -- the Stripe subscription it is about, if any
    payload          jsonb NOT NULL,
    received_at      timestamptz NOT NULL,
    applied_at       timestamptz,
    outcome          text,                        -- what applying it did, for people reading
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX stripe_events_waiting_idx ON stripe_events (subscription_id, created)
    WHERE applied_at IS NULL;
CREATE TRIGGER stripe_events_updated_at BEFORE UPDATE ON stripe_events
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- Applying in order: Stripe delivers out of order, so each subscription remembers the newest
-- event applied to it (Stripe's created, then a rank of the event's type for events of the
-- same second) and an older event never overwrites it. status_since is when the status last
-- changed (a past_due grace and a cancellation are counted from it).
ALTER TABLE subscriptions
    ADD COLUMN status_since       timestamptz,
    ADD COLUMN last_event_created timestamptz,
    ADD COLUMN last_event_rank    integer;
-- Stripe's full list of subscription statuses.
ALTER TABLE subscriptions DROP CONSTRAINT subscriptions_status_check;
ALTER TABLE subscriptions ADD CONSTRAINT subscriptions_status_check
    CHECK (status IN ('trialing', 'active', 'past_due', 'canceled', 'unpaid', 'incomplete',
                      'incomplete_expired', 'paused'));
-- One trial per athlete, however many processes start it at once.
CREATE UNIQUE INDEX subscriptions_one_trial_idx ON subscriptions (user_id)
    WHERE provider = 'trial';
CREATE INDEX subscriptions_customer_idx ON subscriptions (provider_customer_id)
    WHERE provider_customer_id IS NOT NULL;

-- Days of coaching given outside a subscription: a referral's free week (UNIQUE referral_id:
-- once per referral).
CREATE TABLE subscription_credits (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    referral_id  uuid UNIQUE REFERENCES referrals (id) ON DELETE CASCADE,
    days         integer NOT NULL CHECK (days > 0),
    granted_at   timestamptz NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX subscription_credits_user_id_idx ON subscription_credits (user_id, granted_at);
CREATE TRIGGER subscription_credits_updated_at BEFORE UPDATE ON subscription_credits
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- The one definition of "until when is this athlete coached", as known at `at` (NULL: never
-- subscribed). Entitled at T means entitled_until(athlete, T) > T. Per subscription row:
--   a trial: its current_period_end;
--   a Stripe subscription active or trialing: open-ended ('infinity'; Stripe tells us when not);
--   past_due: 7 days of grace from when it became past_due (Stripe is still retrying);
--   canceled, unpaid, paused: when it became so; incomplete(_expired): never coached.
-- The latest of those, then each credit granted by `at`, in order, adds its days from the
-- later of that end and the moment it was granted (a free week given while lapsed starts then).
CREATE FUNCTION entitled_until(athlete uuid, at timestamptz) RETURNS timestamptz
LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
DECLARE
    until timestamptz;
    credit record;
BEGIN
    SELECT max(CASE
                   WHEN s.provider = 'trial' THEN s.current_period_end
                   WHEN s.status IN ('active', 'trialing') THEN 'infinity'::timestamptz
                   WHEN s.status = 'past_due' THEN s.status_since + interval '7 days'
                   WHEN s.status IN ('canceled', 'unpaid', 'paused') THEN s.status_since
               END)
    INTO until
    FROM subscriptions s WHERE s.user_id = athlete;
    FOR credit IN SELECT c.days, c.granted_at FROM subscription_credits c
                  WHERE c.user_id = athlete AND c.granted_at <= at ORDER BY c.granted_at LOOP
        until := GREATEST(until, credit.granted_at) + make_interval(days => credit.days);
    END LOOP;
    RETURN until;
END
$$;

-- migrate:down
DROP FUNCTION entitled_until(uuid, timestamptz);
DROP TABLE subscription_credits;
DROP INDEX subscriptions_customer_idx;
DROP INDEX subscriptions_one_trial_idx;
ALTER TABLE subscriptions DROP CONSTRAINT subscriptions_status_check;
DELETE FROM subscriptions WHERE status NOT IN ('trialing', 'active', 'past_due', 'canceled', 'unpaid');
ALTER TABLE subscriptions ADD CONSTRAINT subscriptions_status_check
    CHECK (status IN ('trialing', 'active', 'past_due', 'canceled', 'unpaid'));
ALTER TABLE subscriptions
    DROP COLUMN last_event_rank,
    DROP COLUMN last_event_created,
    DROP COLUMN status_since;
DROP TABLE stripe_events;
