package dev.mcppool;

import java.util.Map;
import java.util.Optional;

/**
 * Derives a stable principal from a caller's headers, for example the verified subject of a short-lived bearer
 * token, so that a user's rotating tokens map to one pool key instead of one key per token.
 *
 * <p><strong>Security:</strong> the principal becomes the caller's identity in the pool key. It must come from a
 * <em>verified</em> credential (a JWT whose signature you checked, a session you looked up). Keying on an
 * unverified claim lets anyone who forges a token naming a victim receive the victim's authenticated session.
 *
 * <p>When the extractor throws or returns an empty or blank value, the pool falls back to hashing the identity
 * headers themselves, which is always safe. Implementations should be fast and side-effect free.
 */
@FunctionalInterface
public interface IdentityExtractor {

    /**
     * Returns the verified principal for these headers, or empty when none can be determined.
     *
     * @param headers the caller's headers with lower-case names
     */
    Optional<String> principal(Map<String, String> headers) throws Exception;
}
