-- ml_features (BigQuery): point-in-time features and the 14-day conversion label of every user who signed up before
-- @cutoff (a TIMESTAMP, or a DATE meaning 00:00 UTC). One row per user, ordered by user_id. Same columns and
-- definitions as sql/duckdb/ml_features.sql (see there); day counts are fractional days of whole seconds.
--
-- Features use only rows dated strictly before the cutoff; the label only orders in (cutoff, label_end].
-- active: an event or a non-cancelled order in the @active_days days before the cutoff (the scoring population).
-- @active_only TRUE keeps only the active rows; @max_rows bounds the rows: the users first by
-- FARM_FINGERPRINT(user id) (a deterministic uniform sample when the population is larger), then by user_id.
WITH params AS (
    SELECT CAST(@cutoff AS TIMESTAMP) AS cutoff, CAST(@label_end AS TIMESTAMP) AS label_end,
           CAST(@active_days AS INT64) AS active_days
),
population AS (
    SELECT u.id AS user_id, u.created_at AS signup_at, u.age, u.gender, u.traffic_source AS user_source
    FROM `{{source}}.users` AS u, params AS p
    WHERE u.created_at < p.cutoff
),
order_features AS (
    -- non-cancelled orders before the cutoff (whole history: counts and recency)
    SELECT o.user_id,
           COUNTIF(o.created_at >= TIMESTAMP_SUB(p.cutoff, INTERVAL 30 DAY)) AS orders_30d,
           COUNTIF(o.created_at >= TIMESTAMP_SUB(p.cutoff, INTERVAL 90 DAY)) AS orders_90d,
           COUNT(*) AS orders_lifetime,
           MAX(o.created_at) AS last_order_at,
           COUNTIF(o.created_at >= TIMESTAMP_SUB(p.cutoff, INTERVAL p.active_days DAY)) AS orders_active
    FROM `{{source}}.orders` AS o, params AS p
    WHERE o.created_at < p.cutoff
      AND o.status <> 'Cancelled'
    GROUP BY o.user_id
),
item_features AS (
    -- items and revenue of the non-cancelled orders of the 90 days before the cutoff
    SELECT o.user_id,
           COUNTIF(o.created_at >= TIMESTAMP_SUB(p.cutoff, INTERVAL 30 DAY)) AS items_30d,
           COUNT(*) AS items_90d,
           SUM(IF(o.created_at >= TIMESTAMP_SUB(p.cutoff, INTERVAL 30 DAY), oi.sale_price, 0)) AS revenue_30d,
           SUM(oi.sale_price) AS revenue_90d
    FROM `{{source}}.orders` AS o
    JOIN `{{source}}.order_items` AS oi ON oi.order_id = o.order_id
    CROSS JOIN params AS p
    WHERE o.created_at >= TIMESTAMP_SUB(p.cutoff, INTERVAL 90 DAY)
      AND o.created_at < p.cutoff
      AND o.status <> 'Cancelled'
    GROUP BY o.user_id
),
event_features AS (
    -- the user's events of the 90 days before the cutoff (recency and sources; sessions and carts in the last 30)
    SELECT e.user_id,
           MAX(e.created_at) AS last_event_at,
           COUNT(DISTINCT IF(e.created_at >= TIMESTAMP_SUB(p.cutoff, INTERVAL 30 DAY), e.session_id, NULL))
               AS sessions_30d,
           COUNTIF(e.created_at >= TIMESTAMP_SUB(p.cutoff, INTERVAL 30 DAY) AND e.event_type = 'cart')
               AS cart_events_30d,
           COUNTIF(e.created_at >= TIMESTAMP_SUB(p.cutoff, INTERVAL p.active_days DAY)) AS events_active,
           COUNT(*) AS events_90d,
           COUNTIF(e.traffic_source = 'Email') AS src_email,
           COUNTIF(e.traffic_source = 'Adwords') AS src_adwords,
           COUNTIF(e.traffic_source = 'YouTube') AS src_youtube,
           COUNTIF(e.traffic_source = 'Facebook') AS src_facebook,
           COUNTIF(e.traffic_source = 'Organic') AS src_organic
    FROM `{{source}}.events` AS e, params AS p
    WHERE e.created_at >= TIMESTAMP_SUB(p.cutoff, INTERVAL 90 DAY)
      AND e.created_at < p.cutoff
      AND e.user_id IS NOT NULL
    GROUP BY e.user_id
),
labels AS (
    -- the label: a non-cancelled order in (cutoff, label_end]
    SELECT DISTINCT o.user_id
    FROM `{{source}}.orders` AS o, params AS p
    WHERE o.created_at > p.cutoff
      AND o.created_at <= p.label_end
      AND o.status <> 'Cancelled'
),
features AS (
SELECT u.user_id,
       IF(l.user_id IS NULL, 0, 1) AS label,
       IF(COALESCE(o.orders_active, 0) > 0 OR COALESCE(e.events_active, 0) > 0, 1, 0) AS active,
       COALESCE(o.orders_30d, 0) AS orders_30d,
       COALESCE(o.orders_90d, 0) AS orders_90d,
       COALESCE(o.orders_lifetime, 0) AS orders_lifetime,
       COALESCE(i.items_30d, 0) AS items_30d,
       COALESCE(i.items_90d, 0) AS items_90d,
       CAST(COALESCE(i.revenue_30d, 0) AS FLOAT64) AS revenue_30d,
       CAST(COALESCE(i.revenue_90d, 0) AS FLOAT64) AS revenue_90d,
       TIMESTAMP_DIFF(p.cutoff, u.signup_at, SECOND) / 86400.0 AS days_since_signup,
       COALESCE(LEAST(TIMESTAMP_DIFF(p.cutoff, o.last_order_at, SECOND) / 86400.0, 365.0), 365.0)
           AS days_since_last_order,
       COALESCE(LEAST(TIMESTAMP_DIFF(p.cutoff, e.last_event_at, SECOND) / 86400.0, 90.0), 90.0)
           AS days_since_last_session,
       COALESCE(e.sessions_30d, 0) AS sessions_30d,
       COALESCE(e.cart_events_30d, 0) AS cart_events_30d,
       COALESCE(SAFE_DIVIDE(e.src_email, e.events_90d), 0.0) AS event_source_email_share,
       COALESCE(SAFE_DIVIDE(e.src_adwords, e.events_90d), 0.0) AS event_source_adwords_share,
       COALESCE(SAFE_DIVIDE(e.src_youtube, e.events_90d), 0.0) AS event_source_youtube_share,
       COALESCE(SAFE_DIVIDE(e.src_facebook, e.events_90d), 0.0) AS event_source_facebook_share,
       COALESCE(SAFE_DIVIDE(e.src_organic, e.events_90d), 0.0) AS event_source_organic_share,
       IF(u.user_source = 'Search', 1, 0) AS user_source_search,
       IF(u.user_source = 'Organic', 1, 0) AS user_source_organic,
       IF(u.user_source = 'Facebook', 1, 0) AS user_source_facebook,
       IF(u.user_source = 'Email', 1, 0) AS user_source_email,
       IF(u.user_source = 'Display', 1, 0) AS user_source_display,
       COALESCE(u.age, 0) AS age,
       IF(u.gender = 'F', 1, 0) AS is_female
FROM population AS u
CROSS JOIN params AS p
LEFT JOIN order_features AS o ON o.user_id = u.user_id
LEFT JOIN item_features AS i ON i.user_id = u.user_id
LEFT JOIN event_features AS e ON e.user_id = u.user_id
LEFT JOIN labels AS l ON l.user_id = u.user_id
),
sampled AS (
    SELECT f.*
    FROM features AS f
    WHERE f.active = 1 OR NOT CAST(@active_only AS BOOL)
    ORDER BY FARM_FINGERPRINT(CAST(f.user_id AS STRING)), f.user_id
    LIMIT @max_rows
)
SELECT * FROM sampled
ORDER BY user_id
