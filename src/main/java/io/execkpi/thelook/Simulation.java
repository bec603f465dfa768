package io.execkpi.thelook;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The in-memory state of the generator and the simulation of one day.
 *
 * <p>State at the start of a day: the users so far (rebuilt from {@code users.id, created_at}), the
 * next ids, the returning visitors of each coming day (from the users' pre-sampled schedules) and
 * each user's latest session day (to know when an experiment assignment is due). All of it is a
 * function of the rows already written plus per-user random streams, so a top-up run that rebuilds
 * it produces exactly the rows a single run would have produced.
 *
 * <p>Per day, with the day's random stream {@code (seed, epochDay)}, in this fixed order: the number
 * and signup times of new users; the sessions of returning users (ascending id); the signup sessions
 * of new users (ascending id); anonymous sessions; unsold inventory. Sessions are then sorted by
 * start time so that event and order ids increase with time.
 */
final class Simulation {

    // ---- volume constants at scale 1.0 (calibrated: ≈ public thelook totals over three years) ----
    static final double NEW_USERS_PER_DAY = 91.3;
    static final double ANONYMOUS_SESSIONS_PER_DAY = 240;
    static final double UNSOLD_INVENTORY_PER_DAY = 280;
    /** Base per-session purchase probability (times the user's propensity multiplier and experiment effects). */
    static final double PURCHASE_BASE = 0.08;
    /**
     * Extra purchase intent in the session in which a user signs up; that session's probability is
     * {@code PURCHASE_BASE · SIGNUP_SESSION_BOOST · exp(0.6·eta)}, without the frailty (many sign up to buy once).
     */
    static final double SIGNUP_SESSION_BOOST = 3.0;
    static final double MAX_PURCHASE_PROBABILITY = 0.9;
    static final double CANCEL_EVENT_SHARE = 0.5;
    /** Of a settled order that is not Complete: the share Cancelled (the rest Returned), 0.15 / (0.15 + 0.10). */
    static final double SETTLED_CANCELLED_SHARE = 0.6;

    private static final double[] ITEMS_CUM = Rand.cumulative(0.68, 0.22, 0.07, 0.03);
    /** Where a session without a purchase stops: home, department, product, cart. */
    private static final double[] STOP_STAGE_CUM = Rand.cumulative(0.30, 0.25, 0.27, 0.18);
    private static final double[] BROWSED_CUM = Rand.cumulative(0.60, 0.25, 0.15);
    private static final double[] HOUR_CUM;

    static {
        double[] w = new double[24];
        for (int h = 0; h < 24; h++) {
            w[h] = 1 + 0.45 * StrictMath.sin(2 * StrictMath.PI * (h - 8) / 24.0); // peak around 14:00 UTC
        }
        HOUR_CUM = Rand.cumulative(w);
    }

    final long seed;
    final double scale;
    final long startDay;
    final Catalog catalog;
    final List<Experiments.Experiment> experiments = Experiments.ALL;
    final long[] experimentStartDays;

    /**
     * Per user (index {@code id - 1}): created_at (epoch second) and the latest session day so far. Only these two
     * longs are kept between a user's visits, not the profile (about 450 bytes with its strings: 450 MB for the
     * million users of scale 10); {@link #user} rebuilds the profile, a pure function of (seed, id, created_at), for
     * each visit. Any other per-user state that must survive from one visit to the next belongs here too.
     */
    private long[] userCreatedAt = new long[1024];
    private long[] userLastSessionDay = new long[1024];
    private int userCount;
    long nextUserId = 1;
    long nextOrderId = 1;
    long nextOrderItemId = 1;
    long nextEventId = 1;
    long nextInventoryId = 1;

    private long bucketBase;
    private long horizon;
    private LongList[] buckets = new LongList[0];

    Simulation(long seed, double scale, long startDay, Catalog catalog) {
        this.seed = seed;
        this.scale = scale;
        this.startDay = startDay;
        this.catalog = catalog;
        experimentStartDays = new long[experiments.size()];
        for (int i = 0; i < experimentStartDays.length; i++) {
            experimentStartDays[i] = startDay + experiments.get(i).startOffsetDays();
        }
    }

    /** Prepares returning-visitor buckets for days {@code firstDay..horizonDay}. */
    void openWindow(long firstDay, long horizonDay) {
        bucketBase = firstDay;
        horizon = horizonDay;
        int n = (int) Math.max(0, horizonDay - firstDay + 1);
        buckets = new LongList[n];
        for (int i = 0; i < n; i++) {
            buckets[i] = new LongList();
        }
    }

    /** Re-adds an existing user (ascending ids, after {@link #openWindow}). */
    void restoreUser(long id, long createdAtSecond) {
        if (id != nextUserId) {
            throw new IllegalStateException("thelook users table is not contiguous: expected id " + nextUserId
                + " but found " + id + "; delete the warehouse data directory and regenerate it");
        }
        nextUserId++;
        UserProfile u = new UserProfile(seed, id, createdAtSecond);
        u.lastSessionDay = u.signupDay;
        for (long day : u.visits(seed, horizon)) {
            if (day < bucketBase) {
                u.lastSessionDay = day;
            } else {
                buckets[(int) (day - bucketBase)].add(id);
            }
        }
        remember(u);
    }

    /** Keeps a user's state between visits (users arrive in ascending id order). */
    private void remember(UserProfile u) {
        if (u.id != userCount + 1) {
            throw new IllegalStateException("user " + u.id + " remembered out of order after " + userCount);
        }
        if (userCount == userCreatedAt.length) {
            userCreatedAt = Arrays.copyOf(userCreatedAt, userCount * 2);
            userLastSessionDay = Arrays.copyOf(userLastSessionDay, userCount * 2);
        }
        userCreatedAt[userCount] = u.createdAtSecond;
        userLastSessionDay[userCount] = u.lastSessionDay;
        userCount++;
    }

    /** The profile of an earlier user, rebuilt, with its latest session day. */
    private UserProfile user(long id) {
        int i = (int) (id - 1);
        UserProfile u = new UserProfile(seed, id, userCreatedAt[i]);
        u.lastSessionDay = userLastSessionDay[i];
        return u;
    }

    private void schedule(UserProfile u) {
        for (long day : u.visits(seed, horizon)) {
            if (day >= bucketBase) {
                buckets[(int) (day - bucketBase)].add(u.id);
            }
        }
    }

    // ------------------------------------------------------------------------------------------

    /** One session as generated; times are seconds relative to {@link #start}. */
    static final class Session {
        long start;             // epoch second of the first event
        UserProfile user;       // null for anonymous sessions
        boolean signup;
        String sessionId;
        String ipAddress;
        String browser;
        String trafficSource;
        String city;
        String state;
        String postalCode;
        byte[] types = new byte[8];
        int[] offsets = new int[8];
        int[] productIds = new int[8];
        int eventCount;
        Order order;
        /** Variant index per experiment to write as an assignment at this session, -1 = none. */
        int[] assign;

        void add(byte type, int offset, int productId) {
            if (eventCount == types.length) {
                types = Arrays.copyOf(types, eventCount * 2);
                offsets = Arrays.copyOf(offsets, eventCount * 2);
                productIds = Arrays.copyOf(productIds, eventCount * 2);
            }
            types[eventCount] = type;
            offsets[eventCount] = offset;
            productIds[eventCount] = productId;
            eventCount++;
        }

        int duration() {
            return offsets[eventCount - 1];
        }
    }

    /** An order placed in a session; times are seconds relative to the session start, -1 = null. */
    static final class Order {
        int status;
        int createdOffset;
        int[] productIds;
        long shippedAfter = -1;   // seconds after created_at
        long deliveredAfter = -1;
        long returnedAfter = -1;
        int[] stockAgeSeconds;    // inventory item created this long before the sale
    }

    /** An unsold inventory item received on the day. */
    record Stock(int productId, long createdAtSecond) {
    }

    /** Everything one day produces, in emission order. */
    static final class Day {
        final long epochDay;
        final List<UserProfile> newUsers = new ArrayList<>();
        final List<Session> sessions = new ArrayList<>();
        final List<Stock> stock = new ArrayList<>();

        Day(long epochDay) {
            this.epochDay = epochDay;
        }
    }

    Day simulate(long day) {
        if (day < bucketBase || day > horizon) {
            throw new IllegalArgumentException("day outside the open window");
        }
        SplittableRandom r = Rand.stream(seed, Rand.STREAM_DAY, day);
        Day out = new Day(day);
        long dayStart = day * 86_400L;
        double volume = scale * Seasonality.growth(day - startDay) * Seasonality.factor(day);

        // 1. new users: count and signup times (sorted so ids follow time)
        int newUsers = Rand.poisson(r, NEW_USERS_PER_DAY * volume);
        int[] signupSeconds = new int[newUsers];
        for (int i = 0; i < newUsers; i++) {
            signupSeconds[i] = timeOfDay(r);
        }
        Arrays.sort(signupSeconds);
        for (int i = 0; i < newUsers; i++) {
            out.newUsers.add(new UserProfile(seed, nextUserId++, dayStart + signupSeconds[i]));
        }

        // 2. returning users (ascending id)
        LongList visitors = buckets[(int) (day - bucketBase)];
        visitors.sort();
        for (int i = 0; i < visitors.size(); i++) {
            UserProfile u = user(visitors.get(i));
            out.sessions.add(registeredSession(r, u, day, dayStart + timeOfDay(r), false));
            userLastSessionDay[(int) (u.id - 1)] = u.lastSessionDay;
        }
        buckets[(int) (day - bucketBase)] = null; // free

        // 3. signup sessions of the new users; their schedules start tomorrow
        for (UserProfile u : out.newUsers) {
            Session s = registeredSession(r, u, day, u.createdAtSecond, true);
            u.createdAtSecond = s.start; // moved earlier only if the session would cross midnight
            out.sessions.add(s);
            schedule(u);
            remember(u);
        }

        // 4. anonymous sessions (never purchase)
        int anonymous = Rand.poisson(r, ANONYMOUS_SESSIONS_PER_DAY * volume);
        for (int i = 0; i < anonymous; i++) {
            out.sessions.add(anonymousSession(r, dayStart + timeOfDay(r)));
        }

        // 5. unsold stock received today
        int stock = Rand.poisson(r, UNSOLD_INVENTORY_PER_DAY * scale * Seasonality.growth(day - startDay));
        for (int i = 0; i < stock; i++) {
            char dept = r.nextDouble() < 0.55 ? 'F' : 'M';
            int productId = catalog.pickProduct(r, dept).id();
            out.stock.add(new Stock(productId, dayStart + r.nextInt(86_400)));
        }
        out.stock.sort(Comparator.comparingLong(Stock::createdAtSecond));

        out.sessions.sort(Comparator.comparingLong(s -> s.start)); // stable: ties keep generation order
        return out;
    }

    private Session registeredSession(SplittableRandom r, UserProfile u, long day, long start, boolean signup) {
        Session s = new Session();
        s.user = u;
        s.signup = signup;
        s.sessionId = Rand.uuid(r);
        s.ipAddress = ip(r);
        s.browser = r.nextDouble() < 0.85 ? u.browser : Catalog.BROWSERS[Rand.pick(r, Catalog.BROWSER_CUM)];
        s.trafficSource = signup ? signupSource(r, u.trafficSource)
            : Catalog.EVENT_SOURCES[Rand.pick(r, Catalog.EVENT_SOURCE_CUM)];
        s.city = u.place.city();
        s.state = u.place.state();
        s.postalCode = u.postalCode;

        // experiments: assignment at the first session on/after the start and at least
        // ASSIGNMENT_DELAY_DAYS after signup (so users have a history before it); effects from then on
        double multiplier = 1.0;
        for (int k = 0; k < experiments.size(); k++) {
            long eligibleDay = Math.max(experimentStartDays[k], u.signupDay + Experiments.ASSIGNMENT_DELAY_DAYS);
            if (day < eligibleDay) {
                continue;
            }
            int v = u.variants[k];
            if (u.lastSessionDay < eligibleDay && v >= 0) {
                if (s.assign == null) {
                    s.assign = new int[experiments.size()];
                    Arrays.fill(s.assign, -1);
                }
                s.assign[k] = v;
            }
            if (v >= 0) {
                multiplier *= experiments.get(k).variants().get(v).purchaseMultiplier();
            }
        }
        u.lastSessionDay = day;

        double p = PURCHASE_BASE * (signup ? SIGNUP_SESSION_BOOST * u.signupPurchaseMultiplier : u.purchaseMultiplier) * multiplier;
        if (r.nextDouble() < Math.min(p, MAX_PURCHASE_PROBABILITY)) {
            purchaseFunnel(r, s, u);
        } else {
            browse(r, s, u.gender);
        }
        fitInDay(s, start);
        return s;
    }

    private Session anonymousSession(SplittableRandom r, long start) {
        Session s = new Session();
        s.sessionId = Rand.uuid(r);
        s.ipAddress = ip(r);
        s.browser = Catalog.BROWSERS[Rand.pick(r, Catalog.BROWSER_CUM)];
        s.trafficSource = Catalog.EVENT_SOURCES[Rand.pick(r, Catalog.EVENT_SOURCE_CUM)];
        Catalog.Place place = Catalog.PLACES[Rand.pick(r, Catalog.PLACE_CUM)];
        s.city = place.city();
        s.state = place.state();
        s.postalCode = Catalog.postalCode(r, place.postal());
        browse(r, s, r.nextDouble() < 0.5 ? 'F' : 'M');
        fitInDay(s, start);
        return s;
    }

    /** Sessions never cross midnight UTC: a late session is moved earlier so that it ends by 23:59:59. */
    private static void fitInDay(Session s, long start) {
        long dayEnd = Math.floorDiv(start, 86_400L) * 86_400L + 86_399L;
        s.start = Math.min(start, dayEnd - s.duration());
    }

    /** home → (department → product → cart) per item → purchase [→ cancel]. */
    private void purchaseFunnel(SplittableRandom r, Session s, UserProfile u) {
        char gender = u.gender;
        int items = 1 + Rand.pick(r, ITEMS_CUM);
        int t = 0;
        s.add(Catalog.EV_HOME, t, 0);
        int[] products = new int[items];
        for (int i = 0; i < items; i++) {
            Catalog.Product p = catalog.pickProduct(r, gender);
            products[i] = p.id();
            s.add(Catalog.EV_DEPARTMENT, t += gap(r), p.id());
            s.add(Catalog.EV_PRODUCT, t += gap(r), p.id());
            s.add(Catalog.EV_CART, t += gap(r), p.id());
        }
        s.add(Catalog.EV_PURCHASE, t += gap(r), 0);
        Order o = new Order();
        o.status = Rand.pick(r, Catalog.ORDER_STATUS_CUM);
        if (o.status == Catalog.STATUS_COMPLETE || o.status == Catalog.STATUS_CANCELLED
            || o.status == Catalog.STATUS_RETURNED) {
            // a settled order (half of them): Complete with the user's own probability (mean 0.5), else Cancelled or
            // Returned 3:2, so the mix stays 25/15/10 % on average while some users keep most of what they buy
            o.status = r.nextDouble() < u.completeShare ? Catalog.STATUS_COMPLETE
                : r.nextDouble() < SETTLED_CANCELLED_SHARE ? Catalog.STATUS_CANCELLED : Catalog.STATUS_RETURNED;
        }
        o.createdOffset = t;
        o.productIds = products;
        if (o.status == Catalog.STATUS_COMPLETE || o.status == Catalog.STATUS_RETURNED
            || o.status == Catalog.STATUS_SHIPPED) {
            o.shippedAfter = 1800 + r.nextInt(3 * 86_400);
            if (o.status != Catalog.STATUS_SHIPPED) {
                o.deliveredAfter = o.shippedAfter + 86_400 + r.nextInt(4 * 86_400);
                if (o.status == Catalog.STATUS_RETURNED) {
                    o.returnedAfter = o.deliveredAfter + 86_400 + r.nextInt(9 * 86_400);
                }
            }
        }
        o.stockAgeSeconds = new int[items];
        for (int i = 0; i < items; i++) {
            o.stockAgeSeconds[i] = 86_400 + r.nextInt(120 * 86_400);
        }
        s.order = o;
        if (o.status == Catalog.STATUS_CANCELLED && r.nextDouble() < CANCEL_EVENT_SHARE) {
            s.add(Catalog.EV_CANCEL, t + 120 + (int) Rand.exponential(r, 900), 0);
        }
    }

    /** A session without a purchase: home, then stops at department, product or cart. */
    private void browse(SplittableRandom r, Session s, char gender) {
        int stop = Rand.pick(r, STOP_STAGE_CUM); // 0 home .. 3 cart
        int t = 0;
        s.add(Catalog.EV_HOME, t, 0);
        if (stop == 0) {
            return;
        }
        int browsed = 1 + Rand.pick(r, BROWSED_CUM);
        int last = 0;
        for (int i = 0; i < browsed; i++) {
            Catalog.Product p = catalog.pickProduct(r, gender);
            last = p.id();
            s.add(Catalog.EV_DEPARTMENT, t += gap(r), p.id());
            if (stop >= 2) {
                s.add(Catalog.EV_PRODUCT, t += gap(r), p.id());
            }
        }
        if (stop == 3) {
            s.add(Catalog.EV_CART, t += gap(r), last);
        }
    }

    private static int gap(SplittableRandom r) {
        return 5 + (int) Rand.exponential(r, 55);
    }

    private static int timeOfDay(SplittableRandom r) {
        return Rand.pick(r, HOUR_CUM) * 3600 + r.nextInt(3600);
    }

    private static String ip(SplittableRandom r) {
        return (1 + r.nextInt(223)) + "." + r.nextInt(256) + "." + r.nextInt(256) + "." + (1 + r.nextInt(254));
    }

    /** The signup session's source follows how the user found the shop. */
    private static String signupSource(SplittableRandom r, String userSource) {
        double x = r.nextDouble();
        return switch (userSource) {
            case "Search" -> x < 0.6 ? "Adwords" : "Organic";
            case "Organic" -> "Organic";
            case "Facebook" -> "Facebook";
            case "Email" -> "Email";
            default -> x < 0.5 ? "YouTube" : "Adwords"; // Display
        };
    }

    /** A growable list of longs. */
    static final class LongList {
        private long[] values = new long[4];
        private int size;

        void add(long v) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = v;
        }

        long get(int i) {
            return values[i];
        }

        int size() {
            return size;
        }

        void sort() {
            Arrays.sort(values, 0, size);
        }
    }
}
