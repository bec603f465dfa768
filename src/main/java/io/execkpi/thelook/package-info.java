/**
 * Deterministic generator of thelook-style ecommerce data for the embedded warehouse.
 *
 * <p>Entry point: {@link io.execkpi.thelook.TheLookGenerator#generateThrough}. Plain Java + JDBC;
 * tables and columns are those of {@code /thelook/schema.sql}; all timestamps are UTC.
 *
 * <h2>Volumes</h2>
 * Scale 1.0 over three years ≈ public thelook: 100k users, 117k orders, 170k order items, 2.26M
 * events (627k sessions, 265k of them anonymous), 477k inventory items, 29,120 products, 142k
 * assignments; 39k users have orders. New users and anonymous traffic grow linearly (0.55× → 1.45× over three years, mean 1),
 * with a weekly pattern (Sunday 1.18, Monday 1.10, Tuesday–Thursday ≈ 0.9) and a mild yearly wave
 * peaking in late November. Products: {@code round(29,120 · max(scale, 0.1))}, written once.
 *
 * <h2>Behaviour</h2>
 * <ul>
 *   <li>A user's first session is the signup session ({@code users.created_at} = its first event).
 *       Returning visits (at most one per day) follow a pre-sampled per-user schedule whose rate decays
 *       with days since signup ({@code 0.12 + 0.88·exp(−days/30)}) and stops after a gamma-distributed
 *       (shape 3) lifetime; the rate follows the weekly pattern.</li>
 *   <li>A persistent propensity, drawn once per user, drives visit rate, lifetime and per-session purchase
 *       probability: a latent score ({@code users.traffic_source}: Email/Organic high, Display/Facebook low;
 *       age 25–49 high, under 20 low; plus noise) times a gamma frailty (shape 0.25, mean 1, as in the
 *       Pareto/NBD and BG/NBD customer-base models; not in the signup session, where many buy once). Most
 *       users rarely come back (about 40 % ever do) and a tenth of the users bring most of the revenue, so
 *       past visits and orders predict future ones: on the planted experiments the completed revenue in the
 *       14 days before the assignment correlates about 0.3 with the completed revenue after it.</li>
 *   <li>Every session starts with {@code home} (sequence_number 1) and lies within one UTC day. A
 *       purchase session is home, then department → product → cart per item, then {@code purchase};
 *       half of the sessions whose order is Cancelled end with a {@code cancel} event right after the
 *       purchase. Other sessions stop after home, department, product or cart. Anonymous sessions
 *       ({@code user_id} NULL) never purchase.</li>
 *   <li>One order per purchase session: {@code orders.created_at} = the purchase event's created_at =
 *       {@code order_items.created_at} = the sold inventory item's {@code sold_at}. Status is fixed at
 *       creation (Complete 25 %, Cancelled 15 %, Returned 10 %, Processing 20 %, Shipped 30 % on average;
 *       a settled order, Complete, Cancelled or Returned, is Complete with the user's own probability, uniform
 *       on [0, 1] over users, so some users keep most of what they buy and others return or cancel it), as are
 *       shipped/delivered/returned timestamps, which can lie after the last generated day.
 *       {@code sale_price} = the product's retail price; product department matches the user's gender.</li>
 * </ul>
 *
 * <h2>Experiments</h2>
 * See {@link io.execkpi.thelook.Experiments}: checkout_redesign (+8 % conversion), homepage_aa (A/A),
 * pricing_three_arm (variant_c +10 %), recs_srm (delivered ≈ 48/52, no effect). Each registered user
 * who comes back is assigned to every running experiment at the first event of their first session
 * on/after its start and at least 14 days after their signup day (so the 14 days before the assignment,
 * CUPED's pre-period, hold their first visits after signup).
 *
 * <h2>Determinism</h2>
 * Per-day streams (seed, day) and per-user streams (seed, user id, purpose); ids are consecutive in
 * generation order (events of a session have consecutive ids; sessions of a day are in start order).
 * A top-up continues from the tables' max ids and rebuilds users, schedules and assignment state from
 * {@code users.id, created_at}, so it writes exactly what a single run would have written.
 */
package io.execkpi.thelook;
