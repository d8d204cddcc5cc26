package dev.mcppool.spring;

import dev.mcppool.CallerIdentity;
import dev.mcppool.spring.internal.SecurityUser;
import dev.mcppool.spring.internal.ServletRequestHeaders;

import java.util.Map;
import java.util.Optional;

import org.springframework.util.ClassUtils;

/**
 * The default {@link McpCallerResolver}: the user is the principal name of Spring Security's authenticated user on
 * the current thread (none when Spring Security is not on the classpath, or the user is anonymous), and the headers
 * are the server's {@code forward-headers} taken from the current servlet request (none outside a servlet request,
 * or when Spring Web or the Servlet API is not on the classpath). A caller with neither is
 * {@link CallerIdentity#anonymous()}, and all such callers share sessions.
 *
 * <p>Stateless and thread-safe. Reads thread-bound state (the security context, the request attributes), so call it
 * on the thread that serves the caller.
 */
public final class DefaultMcpCallerResolver implements McpCallerResolver {

    private static final String SECURITY_CONTEXT = "org.springframework.security.core.context.SecurityContextHolder";
    private static final String REQUEST_CONTEXT = "org.springframework.web.context.request.RequestContextHolder";
    private static final String SERVLET_REQUEST = "jakarta.servlet.http.HttpServletRequest";

    private final boolean security;
    private final boolean servlet;

    /**
     * @param security whether to read Spring Security's authenticated user
     * @param servlet  whether to read forwarded headers from the current servlet request
     */
    public DefaultMcpCallerResolver(boolean security, boolean servlet) {
        this.security = security;
        this.servlet = servlet;
    }

    /** A resolver using whichever of Spring Security and the Servlet API this class loader can see. */
    public static DefaultMcpCallerResolver detect(ClassLoader classLoader) {
        boolean security = ClassUtils.isPresent(SECURITY_CONTEXT, classLoader);
        boolean servlet = ClassUtils.isPresent(REQUEST_CONTEXT, classLoader)
                && ClassUtils.isPresent(SERVLET_REQUEST, classLoader);
        return new DefaultMcpCallerResolver(security, servlet);
    }

    @Override
    public CallerIdentity resolve(McpServer server) {
        Optional<String> user = security ? SecurityUser.current() : Optional.empty();
        Map<String, String> headers = servlet && !server.forwardHeaders().isEmpty()
                ? ServletRequestHeaders.current(server.forwardHeaders())
                : Map.of();
        if (user.isPresent()) {
            return CallerIdentity.of(user.get(), headers);
        }
        return headers.isEmpty() ? CallerIdentity.anonymous() : CallerIdentity.headers(headers);
    }

    /** Whether this resolver reads Spring Security's authenticated user. */
    public boolean usesSpringSecurity() {
        return security;
    }

    /** Whether this resolver reads forwarded headers from the current servlet request. */
    public boolean usesServletRequest() {
        return servlet;
    }

    @Override
    public String toString() {
        return "DefaultMcpCallerResolver[springSecurity=" + security + ", servletRequest=" + servlet + "]";
    }
}
