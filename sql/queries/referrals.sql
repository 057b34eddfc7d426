-- name: referral_code_of
-- The athlete's referral code, if INVITE made one already.
SELECT referral_code FROM users WHERE id = $1;

-- name: set_referral_code
-- The athlete's first code ($2), kept if one was set meanwhile; a code another athlete holds
-- raises a unique violation (the caller draws again, inside a savepoint).
UPDATE users SET referral_code = COALESCE(referral_code, $2)
WHERE id = $1
RETURNING referral_code;

-- name: referral_to_credit
-- The referral of athlete $1 not credited yet, with its referrer, both rows locked: the
-- referrer's lock serialises the credits of one referrer, so the abuse limit's count is exact.
SELECT r.id, r.referrer_id, u.phone, u.opted_out_at, u.deleted_at
FROM referrals r
JOIN users u ON u.id = r.referrer_id
WHERE r.referred_id = $1 AND r.rewarded_at IS NULL
FOR UPDATE OF r, u;

-- name: count_referral_credits
-- How many referrals credited referrer $1 since $2 (the abuse limit's window).
SELECT count(*) FROM referrals WHERE referrer_id = $1 AND rewarded_at >= $2;

-- name: reward_referral
-- The credit, once: a second run finds rewarded_at set and returns nothing.
UPDATE referrals SET rewarded_at = $2
WHERE id = $1 AND rewarded_at IS NULL
RETURNING id;
