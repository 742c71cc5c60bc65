package io.conduit.runtime.http;

import java.util.function.BooleanSupplier;

/** One dependency the readiness endpoint asks: a name and a fast, bounded probe. */
public record HealthCheck(String name, BooleanSupplier probe) {}
