package ke.fleettickets.web;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * DASHBOARD_TOKEN, and the two ways a request shows it: {@code Authorization: Bearer
 * <token>}, or the cookie the login form sets. The cookie holds a value derived from the
 * token, not the token itself (a new token ends every session). Every comparison takes
 * the same time whatever the guess.
 */
final class AccessToken {
    static final String COOKIE = "fleettickets_session";
    /** How long a login lasts: a month, for a screen on a wall. */
    static final long COOKIE_MAX_AGE_SECONDS = 30L * 24 * 3600;

    private final byte[] tokenDigest;
    private final String session;

    AccessToken(String token) {
        this.tokenDigest = sha256(token);
        this.session = derive(token);
    }

    /** The token typed in the login form, or given as a bearer token. */
    boolean isToken(String candidate) {
        return candidate != null && MessageDigest.isEqual(tokenDigest, sha256(candidate));
    }

    boolean allows(List<String> authorization, List<String> cookies) {
        if (authorization != null) {
            for (String header : authorization) {
                String h = header.strip();
                if (h.regionMatches(true, 0, "Bearer ", 0, 7) && isToken(h.substring(7).strip())) {
                    return true;
                }
            }
        }
        String cookie = cookie(cookies);
        return cookie != null && MessageDigest.isEqual(sha256(session), sha256(cookie));
    }

    /** The Set-Cookie header of a successful login. */
    String setCookie(boolean secure) {
        return COOKIE + "=" + session + "; Path=/; Max-Age=" + COOKIE_MAX_AGE_SECONDS + "; HttpOnly; SameSite=Strict"
                + (secure ? "; Secure" : "");
    }

    private static String cookie(List<String> headers) {
        if (headers == null) {
            return null;
        }
        for (String header : headers) {
            for (String pair : header.split(";")) {
                String p = pair.strip();
                if (p.startsWith(COOKIE + "=")) {
                    return p.substring(COOKIE.length() + 1);
                }
            }
        }
        return null;
    }

    private static String derive(String token) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(token.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] value = mac.doFinal("fleettickets dashboard session".getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(value);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
