package dev.mcppool.internal;

/**
 * What an acquire is given: an idle session ({@link PooledEntry}, already marked leased) or the right to open a new
 * one ({@link #CREATE}, a slot already counted as creating). Whoever holds a grant must use it or give it back.
 */
public sealed interface Grant permits PooledEntry, Grant.Create {

    /** The right to open one new session for the key; its slot is counted in {@code creating}. */
    Create CREATE = new Create();

    /** See {@link #CREATE}. */
    final class Create implements Grant {
        private Create() {
        }

        @Override
        public String toString() {
            return "CREATE";
        }
    }
}
