package dev.mcppool;

/**
 * The key sessions are pooled under: a session is only ever handed to a caller whose key equals the key it was
 * created under. Holds hashes, never raw credentials, so it is safe to log and to show in statistics.
 *
 * @param userHash     SHA-256 (hex) of the caller's user identity, or {@code "anonymous"}
 * @param url          the server URL without user-info; a query string is replaced by its hash
 * @param identityHash SHA-256 (hex) of the identity-relevant headers (or of the extracted principal), or
 *                     {@code "anonymous"} when the caller sent none
 * @param transport    the transport
 * @param scopeHash    SHA-256 (hex) of the conversation scope, or the empty string when the key has no scope
 */
public record PoolKey(String userHash, String url, String identityHash, Transport transport, String scopeHash) {

    /** Short form for logs and stats: hashes cut to 8 characters. */
    @Override
    public String toString() {
        return "PoolKey[user=" + shortHash(userHash) + ", url=" + url + ", identity=" + shortHash(identityHash)
                + ", transport=" + transport + (scopeHash.isEmpty() ? "" : ", scope=" + shortHash(scopeHash)) + "]";
    }

    private static String shortHash(String hash) {
        return hash.length() > 8 ? hash.substring(0, 8) : hash;
    }
}
