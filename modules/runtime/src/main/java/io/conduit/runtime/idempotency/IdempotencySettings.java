package io.conduit.runtime.idempotency;

import java.time.Duration;

/** @param retention how long the response to a request with an {@code Idempotency-Key} is replayed */
public record IdempotencySettings(Duration retention) {}
