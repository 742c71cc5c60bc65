/**
 * Technical kernel shared by every module: typed ids, the error family, domain events. No domain code; depends on no module.
 */
@NullMarked
package io.conduit.platform;

import org.jspecify.annotations.NullMarked;
