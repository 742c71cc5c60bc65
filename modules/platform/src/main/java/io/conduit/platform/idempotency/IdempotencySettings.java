package io.conduit.platform.idempotency;

import java.time.Duration;

/**
 * @param lease how long a claimed key holds while its request runs; a retry may take it over after
 *     that (the request's instance died before committing). Longer than any request may take.
 * @param retention how long the response to a request with an {@code Idempotency-Key} is replayed
 */
public record IdempotencySettings(Duration lease, Duration retention) {}
