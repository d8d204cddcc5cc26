package dev.mcppool;

/** The library's version, sent as the client version in {@code initialize} unless configured otherwise. */
final class Version {

    static final String VERSION = "0.1.0";

    private Version() {
    }
}
