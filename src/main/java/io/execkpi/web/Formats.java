package io.execkpi.web;

import java.math.RoundingMode;
import java.text.NumberFormat;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Currency;
import java.util.Locale;

import org.springframework.stereotype.Component;

/**
 * Number and date formats of the dashboard, used from templates as {@code ${@fmt.money(x)}}. English (US)
 * conventions (amounts rounded half up): thousands separators, the currency in US dollars (thelook's sale prices), shares shown as percent,
 * ISO dates, times in UTC with the zone named. A null or non-finite value is shown as an en dash.
 */
@Component("fmt")
public class Formats {

    /** What a missing value looks like. */
    public static final String NONE = "–";

    private static final Locale LOCALE = Locale.US;

    /**
     * NumberFormat instances are costly to create and not thread-safe: each thread keeps one per pattern (a page with
     * a 365-day table formats thousands of cells).
     */
    private static final ThreadLocal<java.util.Map<String, NumberFormat>> CACHE =
            ThreadLocal.withInitial(java.util.HashMap::new);

    private static NumberFormat format(String kind, int minDigits, int maxDigits) {
        return CACHE.get().computeIfAbsent(kind + minDigits + "-" + maxDigits, k -> {
            NumberFormat f = switch (kind) {
                case "currency" -> {
                    NumberFormat c = NumberFormat.getCurrencyInstance(LOCALE);
                    c.setCurrency(Currency.getInstance("USD"));
                    yield c;
                }
                case "integer" -> NumberFormat.getIntegerInstance(LOCALE);
                default -> NumberFormat.getNumberInstance(LOCALE);
            };
            f.setMinimumFractionDigits(minDigits);
            f.setMaximumFractionDigits(maxDigits);
            f.setRoundingMode(RoundingMode.HALF_UP);
            return f;
        });
    }
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    /** An amount in US dollars with cents: {@code $1,234.50}. */
    public String money(Number value) {
        return finite(value) ? minus(currency(2).format(value.doubleValue())) : NONE;
    }

    /** A leading ASCII hyphen as the minus sign used everywhere else on the pages. */
    private static String minus(String formatted) {
        return formatted.startsWith("-") ? "−" + formatted.substring(1) : formatted;
    }

    /** A count with thousands separators: {@code 12,345}. */
    public String integer(Number value) {
        if (!finite(value)) {
            return NONE;
        }
        return format("integer", 0, 0).format(value.doubleValue());
    }

    /** A number with up to {@code digits} fraction digits and separators. */
    public String decimal(Number value, int digits) {
        if (!finite(value)) {
            return NONE;
        }
        return format("number", digits, digits).format(value.doubleValue());
    }

    /** A decimal number with 2 to 4 fraction digits and separators: {@code 1,234.50}, {@code 0.2257}. */
    public String number(Number value) {
        if (!finite(value)) {
            return NONE;
        }
        return format("number", 2, 4).format(value.doubleValue());
    }

    /** A share (0..1) as percent with {@code digits} fraction digits: {@code 0.0812 → 8.1 %}. */
    public String percent(Number share, int digits) {
        return finite(share) ? decimal(share.doubleValue() * 100, digits) + " %" : NONE;
    }

    /** A share as a signed percent: {@code +8.1 %}, {@code −2.0 %}. */
    public String signedPercent(Number share, int digits) {
        if (!finite(share)) {
            return NONE;
        }
        double v = share.doubleValue();
        return sign(v) + percent(Math.abs(v), digits);
    }

    /** A difference of shares in percentage points: {@code +0.3 pp}. */
    public String points(Number shareDifference, int digits) {
        if (!finite(shareDifference)) {
            return NONE;
        }
        double v = shareDifference.doubleValue() * 100;
        return sign(v) + decimal(Math.abs(v), digits) + " pp";
    }

    /** A p-value: 4 significant digits, or {@code < 0.0001}. */
    public String pValue(Number p) {
        if (!finite(p)) {
            return NONE;
        }
        double v = p.doubleValue();
        return v < 1e-4 ? "< 0.0001" : decimal(v, 4);
    }

    /** An ISO date ({@code 2026-11-24}). */
    public String date(LocalDate date) {
        return date == null ? NONE : date.toString();
    }

    /** An instant as {@code 2026-11-24 02:30:05 UTC}. */
    public String time(Instant instant) {
        return instant == null ? NONE : TIME.format(instant);
    }

    /** An ISO-8601 instant given as text (as stored in JSON artifacts) as {@code 2026-11-24 02:30:05 UTC}. */
    public String time(String isoInstant) {
        if (isoInstant == null || isoInstant.isBlank()) {
            return NONE;
        }
        try {
            return time(Instant.parse(isoInstant));
        } catch (java.time.format.DateTimeParseException e) {
            return isoInstant;
        }
    }

    /**
     * A duration in milliseconds as {@code 1 h 02 min}, {@code 3 min 05 s}, {@code 4.2 s} or, under one second,
     * whole milliseconds {@code 340 ms} (a sub-second run is not "0.0 s").
     */
    public String duration(Number millis) {
        if (!finite(millis)) {
            return NONE;
        }
        if (Math.abs(millis.doubleValue()) < 1000) {
            return integer(millis) + " ms";
        }
        Duration d = Duration.ofMillis(millis.longValue());
        if (d.toHours() > 0) {
            return d.toHours() + " h " + String.format(LOCALE, "%02d", d.toMinutesPart()) + " min";
        }
        if (d.toMinutes() > 0) {
            return d.toMinutes() + " min " + String.format(LOCALE, "%02d", d.toSecondsPart()) + " s";
        }
        return decimal(millis.doubleValue() / 1000.0, 1) + " s";
    }

    private static NumberFormat currency(int digits) {
        return format("currency", digits, digits);
    }

    private static String sign(double v) {
        return v > 0 ? "+" : v < 0 ? "−" : "±";
    }

    private static boolean finite(Number value) {
        return value != null && Double.isFinite(value.doubleValue());
    }
}
