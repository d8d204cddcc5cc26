package dev.mcppool.spring.internal;

import java.util.Optional;

import org.springframework.security.authentication.AuthenticationTrustResolver;
import org.springframework.security.authentication.AuthenticationTrustResolverImpl;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/** Reads Spring Security's current user. Loaded only when Spring Security is on the classpath. */
public final class SecurityUser {

    private static final AuthenticationTrustResolver TRUST = new AuthenticationTrustResolverImpl();

    private SecurityUser() {
    }

    /** The principal name of the authenticated, non-anonymous user of the current thread, if any. */
    public static Optional<String> current() {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication == null || !TRUST.isAuthenticated(authentication)) {
            return Optional.empty();
        }
        String name = authentication.getName();
        return name == null || name.isBlank() ? Optional.empty() : Optional.of(name);
    }
}
