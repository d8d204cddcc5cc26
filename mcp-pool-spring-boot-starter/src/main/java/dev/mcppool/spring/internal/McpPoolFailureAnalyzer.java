package dev.mcppool.spring.internal;

import dev.mcppool.spring.McpPoolPropertiesException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns an invalid {@code mcp.pool.*} configuration into Spring Boot's "APPLICATION FAILED TO START" report: the
 * library's problems one per line, and the properties to change.
 */
public final class McpPoolFailureAnalyzer extends AbstractFailureAnalyzer<McpPoolPropertiesException> {

    private static final String POOL_PROBLEMS = "invalid pool configuration: ";

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, McpPoolPropertiesException cause) {
        return new FailureAnalysis(description(cause), action(cause), cause);
    }

    private static String description(McpPoolPropertiesException cause) {
        String message = cause.getMessage();
        int problems = message.indexOf(POOL_PROBLEMS);
        if (problems < 0) {
            return message;
        }
        String list = message.substring(problems + POOL_PROBLEMS.length());
        return "The mcp.pool.* properties give an invalid pool configuration:\n\n    - "
                + String.join("\n    - ", list.split("; "));
    }

    private static String action(McpPoolPropertiesException cause) {
        return cause.properties().isEmpty()
                ? "Check the mcp.pool.* properties and any McpPoolConfigCustomizer beans."
                : "Update " + String.join(", ", cause.properties()) + " in your application's configuration.";
    }
}
