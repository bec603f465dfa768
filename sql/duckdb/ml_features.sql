-- ml_features (DuckDB): point-in-time features and the 14-day conversion label of every user who signed up before
-- :cutoff (a TIMESTAMP, 00:00 UTC of the cutoff date). One row per user, ordered by user_id.
--
-- Features use only rows dated strictly before :cutoff; the label only orders in (:cutoff, :label_end].
--   orders_* / items_* / revenue_*  non-cancelled orders (status <> 'Cancelled'), their order_items rows and the
--                                   sum of their sale_price, created in the 30 / 90 days before the cutoff;
--                                   orders_lifetime over the whole history before the cutoff
--   days_since_signup               fractional days from users.created_at to the cutoff
--   days_since_last_order           fractional days since the last non-cancelled order, capped at 365
--                                   (365 also means: no such order in the whole history)
--   days_since_last_session         fractional days since the user's last event, capped at 90
--                                   (90 also means: no event in the 90 days before the cutoff)
--   sessions_30d, cart_events_30d   distinct sessions and 'cart' events in the 30 days before the cutoff
--   event_source_*_share            share of the user's events in the 90 days before the cutoff per
--                                   events.traffic_source (Email, Adwords, YouTube, Facebook, Organic); all 0
--                                   without events in those 90 days
--   user_source_*                   one-hot users.traffic_source (Search, Organic, Facebook, Email, Display)
--   age, is_female                  users.age (0 when unknown), 1 when users.gender = 'F'
-- label      1 when the user has a non-cancelled order created in (:cutoff, :label_end], else 0
-- active     1 when the user has an event or a non-cancelled order in the :active_days days before the cutoff
--            (the scoring population); with :label_end = :cutoff the label window is empty (scoring)
--
-- :active_only  TRUE keeps only the active rows (scoring reads nothing else)
-- :max_rows     at most this many rows: the users first by hash(user_id) (a deterministic uniform sample when the
--               population is larger; the training bound of ml.yml), then ordered by user_id
--
-- Shape: one UNION ALL of per-row contributions (users, orders, order_items by order, events by created_at), grouped
-- once by user; no join between derived tables.
SELECT * FROM (
SELECT x.user_id,
       MAX(x.label) AS label,
       MAX(x.active) AS active,
       CAST(SUM(x.orders_30d) AS BIGINT) AS orders_30d,
       CAST(SUM(x.orders_90d) AS BIGINT) AS orders_90d,
       CAST(SUM(x.orders_lifetime) AS BIGINT) AS orders_lifetime,
       CAST(SUM(x.items_30d) AS BIGINT) AS items_30d,
       CAST(SUM(x.items_90d) AS BIGINT) AS items_90d,
       CAST(SUM(x.revenue_30d) AS DOUBLE) AS revenue_30d,
       CAST(SUM(x.revenue_90d) AS DOUBLE) AS revenue_90d,
       date_diff('second', MAX(x.signup_at), CAST(:cutoff AS TIMESTAMP)) / 86400.0 AS days_since_signup,
       COALESCE(LEAST(date_diff('second', MAX(x.last_order_at), CAST(:cutoff AS TIMESTAMP)) / 86400.0, 365.0), 365.0)
           AS days_since_last_order,
       COALESCE(LEAST(date_diff('second', MAX(x.event_at), CAST(:cutoff AS TIMESTAMP)) / 86400.0, 90.0), 90.0)
           AS days_since_last_session,
       COUNT(DISTINCT x.session_30d) AS sessions_30d,
       CAST(SUM(x.cart_30d) AS BIGINT) AS cart_events_30d,
       COALESCE(CAST(SUM(x.src_email) AS DOUBLE) / NULLIF(SUM(x.events_90d), 0), 0.0)
           AS event_source_email_share,
       COALESCE(CAST(SUM(x.src_adwords) AS DOUBLE) / NULLIF(SUM(x.events_90d), 0), 0.0)
           AS event_source_adwords_share,
       COALESCE(CAST(SUM(x.src_youtube) AS DOUBLE) / NULLIF(SUM(x.events_90d), 0), 0.0)
           AS event_source_youtube_share,
       COALESCE(CAST(SUM(x.src_facebook) AS DOUBLE) / NULLIF(SUM(x.events_90d), 0), 0.0)
           AS event_source_facebook_share,
       COALESCE(CAST(SUM(x.src_organic) AS DOUBLE) / NULLIF(SUM(x.events_90d), 0), 0.0)
           AS event_source_organic_share,
       MAX(CASE WHEN x.user_source = 'Search' THEN 1 ELSE 0 END) AS user_source_search,
       MAX(CASE WHEN x.user_source = 'Organic' THEN 1 ELSE 0 END) AS user_source_organic,
       MAX(CASE WHEN x.user_source = 'Facebook' THEN 1 ELSE 0 END) AS user_source_facebook,
       MAX(CASE WHEN x.user_source = 'Email' THEN 1 ELSE 0 END) AS user_source_email,
       MAX(CASE WHEN x.user_source = 'Display' THEN 1 ELSE 0 END) AS user_source_display,
       COALESCE(MAX(x.age), 0) AS age,
       MAX(CASE WHEN x.gender = 'F' THEN 1 ELSE 0 END) AS is_female
FROM (
    -- the population: users who signed up before the cutoff
    SELECT u.id AS user_id, 1 AS is_user, u.created_at AS signup_at, u.age AS age, u.gender AS gender,
           u.traffic_source AS user_source,
           0 AS orders_30d, 0 AS orders_90d, 0 AS orders_lifetime, CAST(NULL AS TIMESTAMP) AS last_order_at,
           0 AS items_30d, 0 AS items_90d,
           CAST(0 AS DOUBLE) AS revenue_30d, CAST(0 AS DOUBLE) AS revenue_90d,
           CAST(NULL AS TIMESTAMP) AS event_at, CAST(NULL AS VARCHAR(40)) AS session_30d, 0 AS cart_30d,
           0 AS events_90d, 0 AS src_email, 0 AS src_adwords, 0 AS src_youtube, 0 AS src_facebook, 0 AS src_organic,
           0 AS label, 0 AS active
    FROM users u
    WHERE u.created_at < CAST(:cutoff AS TIMESTAMP)

    UNION ALL
    -- non-cancelled orders before the cutoff (whole history: counts and recency)
    SELECT o.user_id, 0, NULL, NULL, NULL, NULL,
           CASE WHEN o.created_at >= CAST(:cutoff AS TIMESTAMP) - INTERVAL 30 DAY THEN 1 ELSE 0 END,
           CASE WHEN o.created_at >= CAST(:cutoff AS TIMESTAMP) - INTERVAL 90 DAY THEN 1 ELSE 0 END,
           1, o.created_at,
           0, 0, 0, 0,
           NULL, NULL, 0,
           0, 0, 0, 0, 0, 0,
           0,
           CASE WHEN o.created_at >= CAST(:cutoff AS TIMESTAMP) - to_days(CAST(:active_days AS INTEGER))
                THEN 1 ELSE 0 END
    FROM orders o
    WHERE o.created_at < CAST(:cutoff AS TIMESTAMP)
      AND o.status <> 'Cancelled'

    UNION ALL
    -- items and revenue of the non-cancelled orders of the 90 days before the cutoff
    SELECT o.user_id, 0, NULL, NULL, NULL, NULL,
           0, 0, 0, NULL,
           CASE WHEN o.created_at >= CAST(:cutoff AS TIMESTAMP) - INTERVAL 30 DAY THEN 1 ELSE 0 END,
           1,
           CASE WHEN o.created_at >= CAST(:cutoff AS TIMESTAMP) - INTERVAL 30 DAY THEN oi.sale_price ELSE 0 END,
           oi.sale_price,
           NULL, NULL, 0,
           0, 0, 0, 0, 0, 0,
           0, 0
    FROM orders o
    JOIN order_items oi ON oi.order_id = o.order_id
    WHERE o.created_at >= CAST(:cutoff AS TIMESTAMP) - INTERVAL 90 DAY
      AND o.created_at < CAST(:cutoff AS TIMESTAMP)
      AND o.status <> 'Cancelled'

    UNION ALL
    -- the user's events of the 90 days before the cutoff (recency and sources; sessions and carts in the last 30)
    SELECT e.user_id, 0, NULL, NULL, NULL, NULL,
           0, 0, 0, NULL,
           0, 0, 0, 0,
           e.created_at,
           CASE WHEN e.created_at >= CAST(:cutoff AS TIMESTAMP) - INTERVAL 30 DAY THEN e.session_id END,
           CASE WHEN e.created_at >= CAST(:cutoff AS TIMESTAMP) - INTERVAL 30 DAY AND e.event_type = 'cart'
                THEN 1 ELSE 0 END,
           1,
           CASE WHEN e.traffic_source = 'Email' THEN 1 ELSE 0 END,
           CASE WHEN e.traffic_source = 'Adwords' THEN 1 ELSE 0 END,
           CASE WHEN e.traffic_source = 'YouTube' THEN 1 ELSE 0 END,
           CASE WHEN e.traffic_source = 'Facebook' THEN 1 ELSE 0 END,
           CASE WHEN e.traffic_source = 'Organic' THEN 1 ELSE 0 END,
           0,
           CASE WHEN e.created_at >= CAST(:cutoff AS TIMESTAMP) - to_days(CAST(:active_days AS INTEGER))
                THEN 1 ELSE 0 END
    FROM events e
    WHERE e.created_at >= CAST(:cutoff AS TIMESTAMP) - INTERVAL 90 DAY
      AND e.created_at < CAST(:cutoff AS TIMESTAMP)
      AND e.user_id IS NOT NULL

    UNION ALL
    -- the label: a non-cancelled order in (cutoff, label_end]
    SELECT o.user_id, 0, NULL, NULL, NULL, NULL,
           0, 0, 0, NULL,
           0, 0, 0, 0,
           NULL, NULL, 0,
           0, 0, 0, 0, 0, 0,
           1, 0
    FROM orders o
    WHERE o.created_at > CAST(:cutoff AS TIMESTAMP)
      AND o.created_at <= CAST(:label_end AS TIMESTAMP)
      AND o.status <> 'Cancelled'
) x
GROUP BY x.user_id
HAVING MAX(x.is_user) = 1
   AND (MAX(x.active) = 1 OR NOT CAST(:active_only AS BOOLEAN))
ORDER BY hash(x.user_id), x.user_id
LIMIT CAST(:max_rows AS BIGINT)
) sampled
ORDER BY sampled.user_id
