-- name: subscription_gate
-- Until when athlete $1 is coached, as of $2 (entitled_until, migrations/0021; 'infinity'
-- while a Stripe subscription is active), and whether that is past $2. An athlete
-- with no subscription row at all starts a trial of $3 days here, once (the partial UNIQUE
-- index on trials settles a race), so the first turn or scheduled text after subscriptions
-- are switched on starts everybody's trial.
WITH trial AS (
    INSERT INTO subscriptions (user_id, provider, plan, status, current_period_end,
                               status_since)
    SELECT $1, 'trial', 'trial', 'trialing', $2::timestamptz + make_interval(days => $3::int),
           $2
    WHERE NOT EXISTS (SELECT 1 FROM subscriptions WHERE user_id = $1)
    ON CONFLICT (user_id) WHERE provider = 'trial' DO NOTHING
    RETURNING current_period_end
)
SELECT until, COALESCE(until > $2, false) AS entitled
FROM (SELECT COALESCE((SELECT current_period_end FROM trial), entitled_until($1, $2))
             AS until) t;

-- name: insert_stripe_event
-- A Stripe event stored once by its id; a redelivery returns nothing.
INSERT INTO stripe_events (id, type, created, subscription_id, payload, received_at)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (id) DO NOTHING
RETURNING id;

-- name: stripe_event_applied
-- Whether a stored event was applied already (a redelivery of it is then a no-op). Locked, so
-- two deliveries of one event at once apply it once.
SELECT applied_at IS NOT NULL AS applied FROM stripe_events WHERE id = $1 FOR UPDATE;

-- name: mark_stripe_event
-- What applying event $1 did ($3); applied at $2, or NULL while it waits for its athlete.
UPDATE stripe_events SET applied_at = $2, outcome = $3 WHERE id = $1;

-- name: waiting_stripe_events
-- Events about subscription $1 that arrived before it was linked to an athlete, oldest first.
SELECT id, type, created, payload FROM stripe_events
WHERE subscription_id = $1 AND applied_at IS NULL
ORDER BY created, id;

-- name: subscriber_of
-- The athlete behind Stripe subscription $1, or else behind Stripe customer $2 (a customer
-- who subscribed before and subscribes again), or nothing.
SELECT user_id FROM subscriptions
WHERE provider = 'stripe' AND (provider_sub_id = $1 OR provider_customer_id = $2)
ORDER BY provider_sub_id = $1 DESC, created_at DESC
LIMIT 1;

-- name: athlete_exists
SELECT EXISTS (SELECT 1 FROM users WHERE id = $1 AND deleted_at IS NULL);

-- name: link_stripe_subscription
-- Stripe subscription $3 (customer $2) is athlete $1's, from $4 on; nothing is coached by it
-- until an event gives it a status (apply_subscription_state).
INSERT INTO subscriptions (user_id, provider, provider_customer_id, provider_sub_id, plan,
                           status, status_since)
VALUES ($1, 'stripe', $2, $3, 'stripe', 'incomplete', $4)
ON CONFLICT (provider_sub_id) DO NOTHING;

-- name: apply_subscription_state
-- Stripe subscription $1 becomes status $2 (period end $3, customer $6) from an event created
-- at $4 with rank $5, unless a newer event was applied already, or the subscription ended
-- (canceled and incomplete_expired are final in Stripe: a renewal is a new subscription).
-- Returns the athlete when it changed something.
UPDATE subscriptions SET
    status = $2,
    status_since = CASE WHEN status = $2 THEN status_since ELSE $4 END,
    current_period_end = COALESCE($3, current_period_end),
    canceled_at = CASE WHEN $2 = 'canceled' THEN COALESCE(canceled_at, $4) ELSE canceled_at END,
    provider_customer_id = COALESCE(provider_customer_id, $6),
    last_event_created = $4,
    last_event_rank = $5
WHERE provider = 'stripe' AND provider_sub_id = $1
  AND (last_event_created IS NULL OR (last_event_created, last_event_rank) <= ($4, $5))
  AND status NOT IN ('canceled', 'incomplete_expired')
RETURNING user_id;

-- name: grant_subscription_credit
-- $3 days of coaching for athlete $1 from referral $2, at $4: once per referral.
INSERT INTO subscription_credits (user_id, referral_id, days, granted_at)
VALUES ($1, $2, $3, $4)
ON CONFLICT (referral_id) DO NOTHING
RETURNING id;
