-- ab_metrics (DuckDB): for every as-of business date in [:from, :to], per experiment and variant: users assigned by the
-- end of that date, converters (assigned users with a completed order created at or after their assignment and by
-- the end of that date), and the sum and sum of squares over users of that post-assignment completed revenue.
-- One pass for the whole range: daily changes per arm are accumulated with running sums. A user's squared revenue
-- grows by cum^2 - (cum - rev)^2 on each day their cumulative revenue grows by rev.
-- CUPED covariate: x = the user's completed revenue in the 14 days before their assignment ([assigned_at - 14 days,
-- assigned_at)), fixed once assigned: Σx and Σx² are added on the assignment day, and Σxy grows by x * rev on each
-- day the user's post-assignment revenue y grows by rev. The window is the cuped window-days of experiments.yml.
-- CUPED for conversion: the covariate is pre-period conversion (x > 0: a completed order in that window), so
-- pre_converters counts those users (Σx = Σx² for a 0/1 value) and pre_post_converters those of them who also
-- converted after their assignment (Σxy), added on the day of their first post-assignment completed order.
-- Capping (winsorization) of revenue per user at the 99th percentile, as GrowthBook caps: per experiment and as-of
-- date, revenue_cap = PERCENTILE_CONT(0.99) (linear interpolation between the order statistics at h = 0.99 (n - 1),
-- 0-based) of y over all n users assigned by that date, pooled across arms, users without revenue included as
-- zeros; then Σ min(y, cap), Σ min(y, cap)², and the covariate capped at the same value: Σ min(x, cap),
-- Σ min(x, cap)², Σ min(x, cap)·min(y, cap). The cap changes with the date, so these are computed per as-of date,
-- only over the users with pre-period or post-assignment revenue (all others are zeros, counted by position: of the
-- n sorted values the first n - k are 0 when k users have y > 0; h is computed in integers), and only for the as-of dates
-- from :capped_from on (the job passes the last 7 business dates up to yesterday, whatever the run's range, so a
-- rerun or backfill writes the same rows as any other run; a cap per date over a whole history would cost one pass
-- over the users per date): on earlier dates revenue_cap and the capped sums are NULL, and abJob falls back to the
-- uncapped sums with a note.
-- Average order value (a ratio metric, revenue per completed order, for the aov guardrail): per user d = completed
-- orders from the assignment on; Σd, Σd² and Σ y·d grow like Σy² does: by cum_d² - (cum_d - n)² and by
-- cum·cum_d - (cum - rev)(cum_d - n) on each day the user completes n orders worth rev.
-- Guardrail counts: orders of any status created at or after the assignment (by the end of the date), those of them
-- now Cancelled or Returned (the order's current status, dated by its creation), and the users with at least one.
--
-- How it is computed: revenue per completed order is summed from its items once; assignments are joined to their
-- user's orders once (from 14 days before the assignment to the end of :to), and the pre-period, the post-assignment
-- revenue and the guardrail counts all come from that one joined set. Changes dated before :from are summed into
-- :from (the running sums of :from include them; a user's squares telescope, Σ over days of cum² - (cum - rev)² =
-- cum², so the days before :from count as one), which keeps the per-user and per-day work to the run's dates.
-- Revenue is summed as DECIMAL(38, 9) (sale_price rounded to 9 decimals): exact, so every sum is independent of the
-- order of addition and of how days are grouped, and a rerun or a differently sliced backfill gives the same rows.
WITH experiment_keys AS (
    -- a small integer per experiment: the per-user rows are grouped and sorted by it rather than by its name
    -- (assignments to an experiment not in experiments have no arm, so no row, either way)
    SELECT experiment_id, CAST(ROW_NUMBER() OVER (ORDER BY experiment_id) AS INTEGER) AS experiment
    FROM experiments
),
arms AS (
    SELECT v.experiment_id, k.experiment, v.variant, v.is_control, v.weight, e.start_date
    FROM experiment_variants v
    JOIN experiments e ON e.experiment_id = v.experiment_id
    JOIN experiment_keys k ON k.experiment_id = v.experiment_id
    WHERE e.start_date <= CAST(:to AS DATE)
),
calendar AS (
    -- the run's as-of dates from the first experiment's start on
    SELECT GREATEST(CAST(:from AS DATE), (SELECT MIN(start_date) FROM experiments)) + CAST(x AS INTEGER) AS d
    FROM range(0, date_diff('day', GREATEST(CAST(:from AS DATE), (SELECT MIN(start_date) FROM experiments)),
                                   CAST(:to AS DATE)) + 1) r(x)
),
order_revenue AS (
    -- every order created by the end of :to; rev: the revenue of a completed order (the sum of its items), else NULL
    SELECT o.user_id, o.created_at, o.status, i.rev
    FROM orders o
    LEFT JOIN (SELECT order_id, SUM(CAST(sale_price AS DECIMAL(38, 9))) AS rev FROM order_items GROUP BY order_id) i
           ON i.order_id = o.order_id AND o.status = 'Complete'
    WHERE o.created_at < CAST(:to AS TIMESTAMP) + INTERVAL 1 DAY
),
user_orders AS (
    -- the one join: each assignment by the end of :to with its user's orders from 14 days before it; d = the order's
    -- day for an order at or after the assignment, NULL for one in the pre-period; run_d = d, or :from if earlier
    SELECT k.experiment, a.variant, a.user_id, CAST(a.assigned_at AS DATE) AS assigned_day,
           CASE WHEN o.created_at >= a.assigned_at THEN CAST(o.created_at AS DATE) END AS d,
           CASE WHEN o.created_at < a.assigned_at THEN NULL
                WHEN o.created_at < CAST(:from AS TIMESTAMP) THEN CAST(:from AS DATE)
                ELSE CAST(o.created_at AS DATE) END AS run_d,
           o.status, o.rev
    FROM assignments a
    JOIN experiment_keys k ON k.experiment_id = a.experiment_id
    JOIN order_revenue o ON o.user_id = a.user_id
    WHERE a.assigned_at < CAST(:to AS TIMESTAMP) + INTERVAL 1 DAY
      AND o.created_at >= a.assigned_at - INTERVAL 14 DAY
),
user_day AS (
    -- per user: one row per day with post-assignment orders (days before :from summed into :from; present: the day
    -- itself has one), and one with d NULL for the completed orders of the pre-period
    SELECT experiment, variant, user_id, assigned_day, run_d AS d, MAX(d) >= CAST(:from AS DATE) AS present,
           SUM(rev) AS rev, COUNT(rev) AS ords, COUNT(*) AS orders,
           COUNT(CASE WHEN status IN ('Cancelled', 'Returned') THEN 1 END) AS bad
    FROM user_orders
    WHERE d IS NOT NULL OR rev IS NOT NULL
    GROUP BY experiment, variant, user_id, assigned_day, run_d
),
user_running AS (
    -- per user, in day order with the pre-period row first: x = pre-period revenue; cum and cum_o =
    -- post-assignment revenue and completed orders by the end of d; next_d = the user's next day with revenue
    SELECT experiment, variant, user_id, assigned_day, d, rev, ords,
           COALESCE(SUM(CASE WHEN d IS NULL THEN rev END) OVER w, 0) AS x,
           SUM(CASE WHEN d IS NOT NULL THEN rev END) OVER w AS cum,
           SUM(CASE WHEN d IS NOT NULL THEN ords END) OVER w AS cum_o,
           LEAD(d) OVER w AS next_d
    FROM user_day
    WHERE rev IS NOT NULL
    WINDOW w AS (PARTITION BY experiment, user_id ORDER BY d ASC NULLS FIRST)
),
changes AS (
    -- present: the row's own date has a change or a calendar row (a date whose only changes were summed into it
    -- from before :from gets no row, as it would not without that summing)
    SELECT a.experiment, a.variant, c.d, TRUE AS present,
           0 AS users, 0 AS converters, CAST(0 AS DECIMAL(38, 9)) AS rev, CAST(0 AS DECIMAL(38, 18)) AS sq,
           CAST(0 AS DECIMAL(38, 9)) AS pre, CAST(0 AS DECIMAL(38, 18)) AS pre_sq, CAST(0 AS DECIMAL(38, 18)) AS xy,
           0 AS orders, 0 AS bad, 0 AS bad_users, 0 AS pre_conv, 0 AS pre_post_conv,
           0 AS co, 0 AS co_sq, CAST(0 AS DECIMAL(38, 9)) AS yo
    FROM arms a JOIN calendar c ON c.d >= a.start_date
    UNION ALL
    SELECT experiment, variant, run_d, MAX(d) >= CAST(:from AS DATE), COUNT(*), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
           0, 0
    FROM (SELECT k.experiment, a.variant, CAST(a.assigned_at AS DATE) AS d,
                 CASE WHEN a.assigned_at < CAST(:from AS TIMESTAMP) THEN CAST(:from AS DATE)
                      ELSE CAST(a.assigned_at AS DATE) END AS run_d
          FROM assignments a
          JOIN experiment_keys k ON k.experiment_id = a.experiment_id
          WHERE a.assigned_at < CAST(:to AS TIMESTAMP) + INTERVAL 1 DAY) asg
    GROUP BY experiment, variant, run_d
    UNION ALL
    -- the pre-period, on the (assignment) day of the user's first row
    SELECT experiment, variant,
           CASE WHEN assigned_day < CAST(:from AS DATE) THEN CAST(:from AS DATE) ELSE assigned_day END, FALSE,
           0, 0, 0, 0, x, x * x, 0, 0, 0, 0, CASE WHEN x > 0 THEN 1 ELSE 0 END, 0, 0, 0, 0
    FROM user_running
    WHERE d IS NULL
    UNION ALL
    -- post-assignment revenue; the user's first such row is their conversion (cum_o = ords)
    SELECT experiment, variant, d, FALSE, 0, CASE WHEN cum_o = ords THEN 1 ELSE 0 END,
           rev, cum * cum - (cum - rev) * (cum - rev), 0, 0, x * rev, 0, 0, 0, 0,
           CASE WHEN cum_o = ords AND x > 0 THEN 1 ELSE 0 END,
           ords, cum_o * cum_o - (cum_o - ords) * (cum_o - ords), cum * cum_o - (cum - rev) * (cum_o - ords)
    FROM user_running
    WHERE d IS NOT NULL
    UNION ALL
    -- guardrails: orders of any status from the assignment on
    SELECT experiment, variant, d, BOOL_OR(present), 0, 0, 0, 0, 0, 0, 0, SUM(orders), SUM(bad), 0, 0, 0, 0, 0, 0
    FROM user_day
    WHERE d IS NOT NULL
    GROUP BY experiment, variant, d
    UNION ALL
    -- users with a cancelled or returned order, on the day of their first
    SELECT experiment, variant, d, FALSE, 0, 0, 0, 0, 0, 0, 0, 0, 0, COUNT(*), 0, 0, 0, 0, 0
    FROM (SELECT experiment, variant, user_id, MIN(d) AS d FROM user_day
          WHERE d IS NOT NULL AND bad > 0
          GROUP BY experiment, variant, user_id) first_bad
    GROUP BY experiment, variant, d
),
per_day AS (
    SELECT experiment, variant, d, BOOL_OR(present) AS present,
           SUM(users) AS users, SUM(converters) AS converters, SUM(rev) AS rev, SUM(sq) AS sq,
           SUM(pre) AS pre, SUM(pre_sq) AS pre_sq, SUM(xy) AS xy,
           SUM(orders) AS orders, SUM(bad) AS bad, SUM(bad_users) AS bad_users,
           SUM(pre_conv) AS pre_conv, SUM(pre_post_conv) AS pre_post_conv,
           SUM(co) AS co, SUM(co_sq) AS co_sq, SUM(yo) AS yo
    FROM changes
    GROUP BY experiment, variant, d
),
running_all AS (
    SELECT experiment, variant, d, present,
           CAST(SUM(users) OVER w AS BIGINT) AS users,
           CAST(SUM(converters) OVER w AS BIGINT) AS converters,
           SUM(rev) OVER w AS revenue_sum,
           SUM(sq) OVER w AS revenue_sum_squares,
           SUM(pre) OVER w AS pre_revenue_sum,
           SUM(pre_sq) OVER w AS pre_revenue_sum_squares,
           SUM(xy) OVER w AS revenue_pre_products,
           CAST(SUM(orders) OVER w AS BIGINT) AS orders,
           CAST(SUM(bad) OVER w AS BIGINT) AS cancelled_returned_orders,
           CAST(SUM(bad_users) OVER w AS BIGINT) AS cancel_return_users,
           CAST(SUM(pre_conv) OVER w AS BIGINT) AS pre_converters,
           CAST(SUM(pre_post_conv) OVER w AS BIGINT) AS pre_post_converters,
           CAST(SUM(co) OVER w AS BIGINT) AS completed_orders,
           CAST(SUM(co_sq) OVER w AS BIGINT) AS completed_orders_sum_squares,
           SUM(yo) OVER w AS revenue_order_products
    FROM per_day
    WINDOW w AS (PARTITION BY experiment, variant ORDER BY d)
),
running AS (
    SELECT * FROM running_all WHERE present
),
cap_dates AS (
    SELECT d FROM calendar WHERE d >= CAST(:capped_from AS DATE)
),
user_at AS (
    -- per cap date, the users with pre-period or post-assignment revenue (the others are zeros throughout): y = their
    -- post-assignment revenue by the end of the date, read from the user's row in force that date (from its day to
    -- the day before their next row; the pre-period row from the assignment day)
    SELECT c.d, u.experiment, u.variant, u.x, COALESCE(u.cum, 0) AS y
    FROM user_running u
    JOIN cap_dates c ON c.d >= COALESCE(u.d, u.assigned_day) AND (u.next_d IS NULL OR c.d < u.next_d)
    WHERE u.d IS NOT NULL OR u.next_d IS NOT NULL OR u.x > 0
),
experiment_users AS (
    -- n users per experiment and cap date; the cap interpolates between the order statistics i and i + 1 (0-based,
    -- ascending), which are the (n - i)-th and (n - i - 1)-th largest
    SELECT r.experiment, r.d, SUM(r.users) AS n, (99 * (SUM(r.users) - 1)) // 100 AS i,
           (99 * (SUM(r.users) - 1)) % 100 AS hundredths
    FROM running r JOIN cap_dates c ON c.d = r.d
    WHERE r.users > 0
    GROUP BY r.experiment, r.d
),
buckets AS (
    -- positive y per experiment, cap date and bucket of 10 (bucket order follows value order)
    SELECT experiment, d, CAST(FLOOR(y / 10) AS BIGINT) AS bucket, COUNT(*) AS values_in
    FROM user_at
    WHERE y > 0
    GROUP BY experiment, d, CAST(FLOOR(y / 10) AS BIGINT)
),
top_bucket AS (
    -- the highest bucket that with the buckets above it holds at least n - i values: the two order statistics are in
    -- it or above, so only those values need sorting (no such bucket when fewer than n - i values are positive)
    SELECT v.experiment, v.d, MAX(v.bucket) AS first_bucket
    FROM (SELECT experiment, d, bucket,
                 SUM(values_in) OVER (PARTITION BY experiment, d ORDER BY bucket DESC) AS values_from
          FROM buckets) v
    JOIN experiment_users e ON e.experiment = v.experiment AND e.d = v.d
    WHERE v.values_from >= e.n - e.i
    GROUP BY v.experiment, v.d
),
top_values AS (
    -- the largest positive y, ranked q = 1, 2, ... from the top
    SELECT u.d, u.experiment, u.y,
           ROW_NUMBER() OVER (PARTITION BY u.experiment, u.d ORDER BY u.y DESC) AS q
    FROM user_at u
    LEFT JOIN top_bucket t ON t.experiment = u.experiment AND t.d = u.d
    WHERE u.y > 0 AND CAST(FLOOR(u.y / 10) AS BIGINT) >= COALESCE(t.first_bucket, 0)
),
caps AS (
    -- lo and hi: the order statistics i and i + 1; 0 when they fall among the zeros (or i + 1 = n)
    SELECT e.experiment, e.d,
           CAST(COALESCE(MAX(CASE WHEN t.q = e.n - e.i THEN t.y END), 0) AS DECIMAL(38, 9)) AS lo,
           CAST(COALESCE(MAX(CASE WHEN t.q = e.n - e.i - 1 THEN t.y END), 0) AS DECIMAL(38, 9)) AS hi,
           e.hundredths
    FROM experiment_users e
    LEFT JOIN top_values t ON t.experiment = e.experiment AND t.d = e.d
    GROUP BY e.experiment, e.d, e.i, e.n, e.hundredths
),
cap_values AS (
    SELECT experiment, d, CAST(lo + hundredths * 0.01 * (hi - lo) AS DECIMAL(38, 9)) AS cap
    FROM caps
),
capped_users AS (
    SELECT u.d, u.experiment, u.variant,
           LEAST(CAST(u.y AS DECIMAL(38, 9)), c.cap) AS cy, LEAST(CAST(u.x AS DECIMAL(38, 9)), c.cap) AS cx
    FROM user_at u
    JOIN cap_values c ON c.experiment = u.experiment AND c.d = u.d
),
capped AS (
    SELECT d, experiment, variant, SUM(cy) AS ys, SUM(cy * cy) AS yss, SUM(cx) AS xs, SUM(cx * cx) AS xss,
           SUM(cx * cy) AS xys
    FROM capped_users
    GROUP BY d, experiment, variant
)
SELECT r.d AS as_of_date, a.experiment_id, r.variant, a.is_control, a.weight, r.users, r.converters,
       CAST(ROUND(r.revenue_sum, 6) AS DOUBLE) AS revenue_sum,
       CAST(ROUND(r.revenue_sum_squares, 6) AS DOUBLE) AS revenue_sum_squares,
       CAST(ROUND(r.pre_revenue_sum, 6) AS DOUBLE) AS pre_revenue_sum,
       CAST(ROUND(r.pre_revenue_sum_squares, 6) AS DOUBLE) AS pre_revenue_sum_squares,
       CAST(ROUND(r.revenue_pre_products, 6) AS DOUBLE) AS revenue_pre_products,
       r.orders, r.cancelled_returned_orders, r.cancel_return_users, r.pre_converters, r.pre_post_converters,
       r.completed_orders, r.completed_orders_sum_squares,
       CAST(ROUND(r.revenue_order_products, 6) AS DOUBLE) AS revenue_order_products,
       CAST(ROUND(c.cap, 6) AS DOUBLE) AS revenue_cap,
       CAST(ROUND(CASE WHEN cd.d IS NOT NULL THEN COALESCE(cp.ys, 0) END, 6) AS DOUBLE) AS capped_revenue_sum,
       CAST(ROUND(CASE WHEN cd.d IS NOT NULL THEN COALESCE(cp.yss, 0) END, 6) AS DOUBLE) AS capped_revenue_sum_squares,
       CAST(ROUND(CASE WHEN cd.d IS NOT NULL THEN COALESCE(cp.xs, 0) END, 6) AS DOUBLE) AS capped_pre_revenue_sum,
       CAST(ROUND(CASE WHEN cd.d IS NOT NULL THEN COALESCE(cp.xss, 0) END, 6) AS DOUBLE) AS capped_pre_revenue_sum_squares,
       CAST(ROUND(CASE WHEN cd.d IS NOT NULL THEN COALESCE(cp.xys, 0) END, 6) AS DOUBLE) AS capped_revenue_pre_products
FROM running r
JOIN arms a ON a.experiment = r.experiment AND a.variant = r.variant
LEFT JOIN cap_values c ON c.experiment = r.experiment AND c.d = r.d
LEFT JOIN cap_dates cd ON cd.d = r.d
LEFT JOIN capped cp ON cp.experiment = r.experiment AND cp.variant = r.variant AND cp.d = r.d
ORDER BY r.d, a.experiment_id, r.variant
