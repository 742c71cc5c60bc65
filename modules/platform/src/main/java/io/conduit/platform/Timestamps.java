package io.conduit.platform;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/** The API's one timestamp format: ISO-8601 UTC, always with milliseconds and {@code Z}. */
public final class Timestamps {
    private static final DateTimeFormatter FORMAT =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private Timestamps() {}

    public static String format(Instant instant) {
        return FORMAT.format(instant);
    }

    /** Truncates to what the API shows, so a stored value reads back string-equal. */
    public static Instant apiPrecision(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MILLIS);
    }
}
