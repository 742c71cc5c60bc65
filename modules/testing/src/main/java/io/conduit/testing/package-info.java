/**
 * What a domain module's tests need to run against real servers: {@link
 * io.conduit.testing.ModuleDatabase} (a fresh PostgreSQL database with only the kernel's and the
 * module's schema migrated) and {@link io.conduit.testing.ModuleRedis} (a Redis behind the kernel's
 * port). Each is one embedded server per test JVM, started on first use and stopped when the JVM
 * exits. Domain modules depend on this module in the test scope only.
 */
@NullMarked
package io.conduit.testing;

import org.jspecify.annotations.NullMarked;
