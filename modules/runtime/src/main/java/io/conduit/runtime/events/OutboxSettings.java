package io.conduit.runtime.events;

import java.time.Duration;

/**
 * How the relay runs.
 *
 * @param pollInterval pause between passes over the due rows
 * @param batchSize most deliveries in one pass
 * @param alertAge a pending delivery older than this is logged as an error on every lag check
 * @param retention completed deliveries are deleted after this long
 */
public record OutboxSettings(Duration pollInterval, int batchSize, Duration alertAge, Duration retention) {}
