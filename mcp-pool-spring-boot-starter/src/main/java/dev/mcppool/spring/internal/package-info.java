/** Implementation details of the starter; not an API, may change in any release. */
@NullMarked
package dev.mcppool.spring.internal;

import org.jspecify.annotations.NullMarked;
