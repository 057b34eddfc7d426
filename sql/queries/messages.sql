-- name: latest_conversation
SELECT id FROM conversations
WHERE user_id = $1
ORDER BY last_message_at DESC
LIMIT 1;

-- name: insert_conversation
INSERT INTO conversations (user_id) VALUES ($1)
RETURNING id;

-- name: touch_conversation
UPDATE conversations SET last_message_at = now()
WHERE id = $1;

-- name: insert_inbound
-- ON CONFLICT on provider_sid: a redelivered webhook inserts nothing and returns no row.
INSERT INTO messages (user_id, conversation_id, direction, kind, body, from_number, to_number,
                      provider_sid, status, segments, encoding)
VALUES ($1, $2, 'inbound', $3, $4, $5, $6, $7, 'received', $8, $9)
ON CONFLICT (provider_sid) DO NOTHING
RETURNING id;

-- name: accept_chat_texts
-- Texts that are no carrier keyword, stored in one statement (the webhook's group commit
-- stores many at once, every other caller one): each athlete found or created, their latest
-- conversation found or started, each message inserted on its SID. One array element per text ($1 phone, $2 guessed zone, $3 guessed units, $4 body, $5 to,
-- $6 SID, $7 segments, $8 encoding). Athletes are upserted in phone order, so two batches
-- sharing athletes lock them in the same order and cannot deadlock; a batch's texts are
-- stored in the order they came. One row back per text, in that order: a redelivered SID
-- comes back with message_id NULL, and so does a SID repeated within the batch after its first.
-- $9: the referral code each text carries (NULL for nearly all): an athlete this statement
-- creates is linked to the code's owner (not deleted), once (UNIQUE referred_id); an athlete
-- who existed already is never linked, so a code only ever counts from a brand-new number.
WITH texts AS (
    SELECT *
    FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
                $7::int[], $8::text[], $9::text[]) WITH ORDINALITY
         AS t(phone, zone, units, body, to_number, sid, segments, encoding, code, ord)
), athletes AS (
    INSERT INTO users (phone, timezone, units, opted_in_at)
    SELECT DISTINCT ON (phone) phone, zone, units, now() FROM texts ORDER BY phone, ord
    ON CONFLICT (phone) DO UPDATE SET phone = EXCLUDED.phone
    RETURNING id, phone, (xmax = 0) AS created
), found AS (
    SELECT DISTINCT ON (c.user_id) c.user_id, c.id
    FROM conversations c JOIN athletes a ON c.user_id = a.id
    ORDER BY c.user_id, c.last_message_at DESC
), started AS (
    INSERT INTO conversations (user_id)
    SELECT a.id FROM athletes a WHERE NOT EXISTS (SELECT 1 FROM found f WHERE f.user_id = a.id)
    RETURNING user_id, id
), stored AS (
    INSERT INTO messages (user_id, conversation_id, direction, kind, body, from_number,
                          to_number, provider_sid, status, segments, encoding)
    SELECT a.id, c.id, 'inbound', 'chat', t.body, t.phone, t.to_number, t.sid, 'received',
           t.segments, t.encoding
    FROM texts t
    JOIN athletes a ON a.phone = t.phone
    JOIN (SELECT user_id, id FROM found UNION ALL SELECT user_id, id FROM started) c
        ON c.user_id = a.id
    ORDER BY t.ord
    ON CONFLICT (provider_sid) DO NOTHING
    RETURNING id, provider_sid
), referred AS (
    INSERT INTO referrals (referrer_id, referred_id, code)
    SELECT DISTINCT ON (a.id) r.id, a.id, t.code
    FROM texts t
    JOIN athletes a ON a.phone = t.phone AND a.created
    JOIN users r ON r.referral_code = t.code AND r.deleted_at IS NULL AND r.id <> a.id
    WHERE t.code IS NOT NULL
    ORDER BY a.id, t.ord
    ON CONFLICT (referred_id) DO NOTHING
)
SELECT a.id AS user_id, a.created,
       CASE WHEN t.ord = min(t.ord) OVER (PARTITION BY t.sid) THEN s.id END AS message_id
FROM texts t
JOIN athletes a ON a.phone = t.phone
LEFT JOIN stored s ON s.provider_sid = t.sid
ORDER BY t.ord;

-- name: insert_outbound
-- $14: the profile fields this text asks for (first part only), for onboarding's count.
INSERT INTO messages (user_id, conversation_id, direction, kind, body, from_number, to_number,
                      status, segments, encoding, part_index, part_count, reply_to_id, turn_id,
                      dedupe_key, asks)
VALUES ($1, $2, 'outbound', $3, $4, $5, $6, 'pending', $7, $8, $9, $10, $11, $12, $13, $14)
RETURNING id;

-- name: enqueue_outbound
-- not_before stays NULL: only the send job sets it, when it holds a scheduled text for its
-- window (hold_outbound), and the sweeper reads it to send the text once the window opens.
INSERT INTO message_queues (user_id, message_id)
VALUES ($1, $2);

-- name: turn_start
-- What a turn starts from, in one round trip: the athlete's consent and number, whether they
-- were welcomed, whether a person has taken over at $2 (then nothing answers), and their inbox
-- (every unanswered text, oldest first, as message records).
SELECT u.phone, u.opted_out_at,
       EXISTS (SELECT 1 FROM messages w
               WHERE w.user_id = u.id AND w.direction = 'outbound' AND w.kind = 'welcome')
           AS welcomed,
       taken_over(u.id, $2) AS taken_over,
       ARRAY(SELECT m FROM messages m
             WHERE m.user_id = u.id AND m.direction = 'inbound' AND m.processed_at IS NULL
             ORDER BY m.seq) AS inbox
FROM users u
WHERE u.id = $1 AND u.deleted_at IS NULL;

-- name: finish_turn
-- A turn's end in one statement: if every text it drained is still unanswered, they are
-- marked answered, its reply parts stored and queued in order and the conversation touched.
-- If another worker answered any of them first, nothing at all is written (marked is 0) and
-- the caller drops the turn. Nor is anything written if a person took the conversation over
-- while the turn was thinking (taken_over, as of $14): the texts stay waiting for them. It also
-- returns what plan work needs to know, as the turn left it.
-- $1 athlete, $2 the drained inbound ids, $3 turn, $4 from, $5 to, $6 the text replied to;
-- one array element per part: $7 kind, $8 body, $9 segments, $10 encoding, $11 part index,
-- $12 part count, $13 asked fields (comma-joined on a reply's first part, else '').
WITH unanswered AS (
    SELECT id FROM messages
    WHERE id = ANY($2::uuid[]) AND direction = 'inbound' AND processed_at IS NULL
    FOR UPDATE
), taken AS (
    SELECT taken_over($1, $14) AS over
), complete AS (
    SELECT (SELECT count(*) FROM unanswered) = cardinality($2::uuid[])
           AND NOT (SELECT over FROM taken) AS ok
), marked AS (
    UPDATE messages SET processed_at = now(), turn_id = $3
    WHERE id IN (SELECT id FROM unanswered) AND (SELECT ok FROM complete)
    RETURNING id
), parts AS (
    SELECT p.*
    FROM unnest($7::text[], $8::text[], $9::int[], $10::text[], $11::int[], $12::int[],
                $13::text[]) WITH ORDINALITY
         AS p(kind, body, segments, encoding, part_index, part_count, asks, ord)
    WHERE (SELECT ok FROM complete)
), conversation AS (
    SELECT id FROM conversations WHERE user_id = $1 ORDER BY last_message_at DESC LIMIT 1
), stored AS (
    INSERT INTO messages (user_id, conversation_id, direction, kind, body, from_number,
                          to_number, status, segments, encoding, part_index, part_count,
                          reply_to_id, turn_id, asks)
    SELECT $1, c.id, 'outbound', p.kind, p.body, $4, $5, 'pending', p.segments, p.encoding,
           p.part_index, p.part_count, $6, $3, string_to_array(nullif(p.asks, ''), ',')
    FROM parts p, conversation c
    ORDER BY p.ord
    RETURNING id, seq, conversation_id
), queued AS (
    INSERT INTO message_queues (user_id, message_id)
    SELECT $1, id FROM stored ORDER BY seq
), touched AS (
    UPDATE conversations SET last_message_at = now()
    WHERE id IN (SELECT conversation_id FROM stored)
)
SELECT (SELECT count(*) FROM marked)::int AS marked,
       (SELECT over FROM taken) AS taken_over,
       ARRAY(SELECT id FROM stored ORDER BY seq) AS outbound,
       -- Where the turn left the athlete for plan work (as plan_work reads it).
       u.status, u.opted_out_at,
       EXISTS (SELECT 1 FROM fitness_plans p WHERE p.user_id = u.id AND p.status = 'active')
           AS has_plan
FROM users u
WHERE u.id = $1;

-- name: mark_inbound_processed
-- Guarded by processed_at IS NULL: the caller compares the returned ids with what it drained
-- and rolls back if another worker got there first.
UPDATE messages SET processed_at = now(), turn_id = $2
WHERE id = ANY($1::uuid[]) AND direction = 'inbound' AND processed_at IS NULL
RETURNING id;

-- name: turn_outbound
-- What a turn answered, in sending order (used by `textcoach text` and tests).
SELECT m.id, m.body, m.status, m.part_index, m.part_count, m.to_number
FROM messages m
JOIN message_queues q ON q.message_id = m.id
WHERE m.turn_id = $1 AND m.direction = 'outbound'
ORDER BY q.seq;

-- name: inbound_by_sid
SELECT id, user_id, processed_at, turn_id
FROM messages
WHERE provider_sid = $1 AND direction = 'inbound';

-- name: has_outbound_kind
SELECT EXISTS (
    SELECT 1 FROM messages WHERE user_id = $1 AND direction = 'outbound' AND kind = $2
);

-- name: conversation_export
-- Everything an athlete sent and was sent, in order, for `textcoach replay export`.
SELECT direction, kind, body, created_at
FROM messages
WHERE user_id = $1 AND kind <> 'keyword' AND status <> 'suppressed' AND part_index = 1
ORDER BY seq;

-- name: onboarding_asks
-- How many times the coach has asked each profile field: every outbound question records the
-- fields it asked (on its first part), so onboarding counts asks from rows, not wording.
SELECT field, count(*)::int AS asks
FROM messages, unnest(asks) AS field
WHERE user_id = $1 AND direction = 'outbound' AND asks IS NOT NULL
GROUP BY field;
