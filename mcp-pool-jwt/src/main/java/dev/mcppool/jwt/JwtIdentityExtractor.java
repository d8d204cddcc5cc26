package dev.mcppool.jwt;

import dev.mcppool.IdentityExtractor;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;

import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link IdentityExtractor} that keys pooled sessions on a claim (by default {@code sub}) of a JSON Web Token,
 * <strong>only after verifying it</strong>: its signature with the configured keys and algorithms, its expiry
 * ({@code exp}, required) and not-before time ({@code nbf}) with a small clock skew, and, if configured, its issuer
 * and audience. A user's rotating tokens then share one pool key, while a token that fails any check yields no
 * principal, so the pool falls back to hashing the raw token: a forged token that names another user can never
 * reach that user's sessions.
 *
 * <pre>{@code
 * IdentityExtractor jwt = JwtIdentityExtractor.builder(JWKSet.load(jwksUrl))
 *         .issuer("https://login.example.com/").audience("mcp-gateway").build();
 * McpSessionPool pool = McpSessionPool.create(PoolConfig.builder().identityExtractor(jwt).build());
 * }</pre>
 *
 * <p>Unsigned ({@code alg: none}), encrypted-only and otherwise unparseable tokens are rejected, and so is any
 * algorithm outside the configured set (no algorithm confusion: an RSA key never verifies an HMAC token). The token
 * is read from the {@code Authorization: Bearer ...} header by default, or from another header holding the bare
 * token.
 *
 * <p>Immutable and thread-safe; verification does no I/O unless the given {@link JWKSource} does (a remote JWK set
 * should be a caching source). Never throws from {@link #principal}: any failure is "no principal". Logs at debug
 * level why a token was refused, never the token or its claims.
 */
public final class JwtIdentityExtractor implements IdentityExtractor {

    private static final Logger log = LoggerFactory.getLogger(JwtIdentityExtractor.class);
    private static final String BEARER = "bearer ";

    private final DefaultJWTProcessor<SecurityContext> processor;
    private final String header;
    private final String claim;

    private JwtIdentityExtractor(Builder b) {
        this.header = b.header;
        this.claim = b.claim;
        this.processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(b.algorithms, b.keys));
        processor.setJWTClaimsSetVerifier((claims, context) -> verify(claims, b));
    }

    /** Verifies with the keys of a JWK set (for example one loaded from the issuer's {@code jwks_uri}). */
    public static Builder builder(JWKSet keys) {
        if (keys == null || keys.getKeys().isEmpty()) {
            throw new IllegalArgumentException("keys must hold at least one key");
        }
        return new Builder(new ImmutableJWKSet<>(keys), algorithmsFor(keys.getKeys()));
    }

    /**
     * Verifies with the keys of a JWK source (for example a caching remote JWK set) and exactly these algorithms.
     */
    public static Builder builder(JWKSource<SecurityContext> keys, Set<JWSAlgorithm> algorithms) {
        if (keys == null) {
            throw new IllegalArgumentException("keys must not be null");
        }
        if (algorithms == null || algorithms.isEmpty() || algorithms.contains(null)) {
            throw new IllegalArgumentException("algorithms must name at least one JWS algorithm, but was "
                    + algorithms);
        }
        return new Builder(keys, Set.copyOf(algorithms));
    }

    /** Verifies RS256/384/512 and PS256/384/512 with an RSA key, or ES256/384/512 with an EC key. */
    public static Builder builder(PublicKey key) {
        JWK jwk;
        if (key instanceof RSAPublicKey rsa) {
            jwk = new RSAKey.Builder(rsa).build();
        } else if (key instanceof ECPublicKey ec) {
            jwk = new ECKey.Builder(Curve.forECParameterSpec(ec.getParams()), ec).build();
        } else {
            throw new IllegalArgumentException("key must be an RSA or EC public key, but was "
                    + (key == null ? "null" : key.getAlgorithm()));
        }
        return builder(new JWKSet(jwk));
    }

    /** Verifies HS256/384/512 with a shared secret of at least 32 bytes. */
    public static Builder hmac(byte[] secret) {
        if (secret == null || secret.length < 32) {
            throw new IllegalArgumentException("secret must be at least 32 bytes (256 bits), but was "
                    + (secret == null ? "null" : secret.length + " bytes"));
        }
        return builder(new JWKSet(new OctetSequenceKey.Builder(secret.clone()).build()));
    }

    @Override
    public Optional<String> principal(Map<String, String> headers) {
        String token = token(headers);
        if (token == null) {
            return Optional.empty();
        }
        try {
            JWTClaimsSet claims = processor.process(SignedJWT.parse(token), null);
            Object value = claims.getClaim(claim);
            if (value instanceof String s && !s.isBlank()) {
                return Optional.of(s);
            }
            log.debug("Verified JWT has no non-blank string claim '{}'", claim);
        } catch (ParseException e) {
            log.debug("Not a signed JWT: {}", e.getClass().getSimpleName());
        } catch (BadJOSEException | JOSEException | RuntimeException e) {
            log.debug("JWT refused: {}", e.getMessage());
        }
        return Optional.empty();
    }

    private String token(Map<String, String> headers) {
        String value = headers.get(header);
        if (value == null) {
            return null;
        }
        value = value.strip();
        if (value.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return value.substring(BEARER.length()).strip();
        }
        return header.equals("authorization") ? null : value;
    }

    private static void verify(JWTClaimsSet claims, Builder b) throws BadJWTException {
        Instant now = b.clock.instant();
        Date exp = claims.getExpirationTime();
        if (exp == null) {
            throw new BadJWTException("missing exp");
        }
        if (!now.isBefore(exp.toInstant().plus(b.clockSkew))) {
            throw new BadJWTException("expired");
        }
        Date nbf = claims.getNotBeforeTime();
        if (nbf != null && now.plus(b.clockSkew).isBefore(nbf.toInstant())) {
            throw new BadJWTException("not valid yet");
        }
        if (b.issuer != null && !b.issuer.equals(claims.getIssuer())) {
            throw new BadJWTException("unexpected issuer");
        }
        if (b.audience != null) {
            List<String> audience = claims.getAudience();
            if (audience == null || !audience.contains(b.audience)) {
                throw new BadJWTException("unexpected audience");
            }
        }
    }

    private static Set<JWSAlgorithm> algorithmsFor(List<JWK> keys) {
        Set<JWSAlgorithm> algorithms = new LinkedHashSet<>();
        for (JWK key : keys) {
            if (key.getAlgorithm() instanceof JWSAlgorithm declared) {
                algorithms.add(declared);
            } else if (KeyType.RSA.equals(key.getKeyType())) {
                algorithms.addAll(JWSAlgorithm.Family.RSA);
            } else if (KeyType.EC.equals(key.getKeyType())) {
                algorithms.addAll(JWSAlgorithm.Family.EC);
            } else if (KeyType.OCT.equals(key.getKeyType())) {
                algorithms.addAll(JWSAlgorithm.Family.HMAC_SHA);
            } else if (KeyType.OKP.equals(key.getKeyType())) {
                algorithms.add(JWSAlgorithm.EdDSA);
            }
        }
        if (algorithms.isEmpty()) {
            throw new IllegalArgumentException("keys hold no key usable for JWS verification");
        }
        return Set.copyOf(algorithms);
    }

    /** Settings of a {@link JwtIdentityExtractor}; {@link #build()} checks them. Not thread-safe. */
    public static final class Builder {

        private final JWKSource<SecurityContext> keys;
        private final Set<JWSAlgorithm> algorithms;
        private String header = "authorization";
        private String claim = "sub";
        private Duration clockSkew = Duration.ofSeconds(60);
        private String issuer;
        private String audience;
        private Clock clock = Clock.systemUTC();

        private Builder(JWKSource<SecurityContext> keys, Set<JWSAlgorithm> algorithms) {
            this.keys = keys;
            this.algorithms = algorithms;
        }

        /** The header carrying the token (case-insensitive): {@code Authorization: Bearer ...} by default. */
        public Builder header(String name) {
            header = name == null ? null : name.strip().toLowerCase(Locale.ROOT);
            return this;
        }

        /** The claim that names the principal; {@code sub} by default. It must be a non-blank string. */
        public Builder claim(String name) {
            claim = name;
            return this;
        }

        /** Tolerance for {@code exp} and {@code nbf} between clocks; 60 s by default, at most 5 minutes. */
        public Builder clockSkew(Duration skew) {
            clockSkew = skew;
            return this;
        }

        /** Accept only tokens whose {@code iss} equals this. */
        public Builder issuer(String value) {
            issuer = value;
            return this;
        }

        /** Accept only tokens whose {@code aud} contains this. */
        public Builder audience(String value) {
            audience = value;
            return this;
        }

        /** The clock for {@code exp} and {@code nbf}; for tests. */
        public Builder clock(Clock value) {
            clock = value;
            return this;
        }

        public JwtIdentityExtractor build() {
            if (header == null || header.isEmpty()) {
                throw new IllegalArgumentException("header must not be blank");
            }
            if (claim == null || claim.isBlank()) {
                throw new IllegalArgumentException("claim must not be blank");
            }
            if (clockSkew == null || clockSkew.isNegative() || clockSkew.compareTo(Duration.ofMinutes(5)) > 0) {
                throw new IllegalArgumentException("clockSkew must be between 0 and 5 minutes, but was " + clockSkew);
            }
            if (issuer != null && issuer.isBlank() || audience != null && audience.isBlank()) {
                throw new IllegalArgumentException("issuer and audience must not be blank when set");
            }
            if (clock == null) {
                throw new IllegalArgumentException("clock must not be null");
            }
            return new JwtIdentityExtractor(this);
        }
    }
}
