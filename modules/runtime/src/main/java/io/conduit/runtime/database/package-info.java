/** The schema migrations, schema by schema, for the composition root and the module tests. */
@NullMarked
package io.conduit.runtime.database;

import org.jspecify.annotations.NullMarked;
