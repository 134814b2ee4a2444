package ke.fleettickets.web;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import com.sun.net.httpserver.HttpExchange;

import ke.fleettickets.PercentEncoded;

/**
 * {@code GET /login}: a form asking for DASHBOARD_TOKEN; {@code POST /login}: the right
 * token sets the session cookie and goes to the map. Without a token configured there is
 * nothing to log in to, and both go to the map.
 */
final class LoginPage {
    static final String PATH = "/login";
    /** A form holding one token; anything longer is not a login. */
    static final int MAX_BODY = 4096;

    private static final String PAGE = """
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>INC map: sign in</title>
            <style>
              body { font-family: system-ui, sans-serif; display: grid; place-items: center; min-height: 90vh; margin: 0; }
              form { display: grid; gap: .75rem; min-width: 18rem; }
              input, button { font: inherit; padding: .5rem; }
              .refused { color: #b00020; margin: 0; }
            </style>
            </head>
            <body>
            <form method="post" action="/login">
              <h1>INC map</h1>
              %s<label for="token">Access token</label>
              <input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
              <button type="submit">Sign in</button>
            </form>
            </body>
            </html>
            """;

    private final AccessToken token;

    /** @param token null when no token is configured */
    LoginPage(AccessToken token) {
        this.token = token;
    }

    Response handle(HttpExchange exchange) throws IOException {
        if (token == null) {
            return Response.redirect("/");
        }
        String method = exchange.getRequestMethod();
        if (method.equals("GET") || method.equals("HEAD")) {
            return page(200, "");
        }
        if (!method.equals("POST")) {
            return Response.empty(405).with("Allow", "GET, HEAD, POST");
        }
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readNBytes(MAX_BODY + 1);
        }
        if (body.length > MAX_BODY) {
            return Response.error(413, "too_large", "the login form is at most " + MAX_BODY + " bytes");
        }
        if (token.isToken(field(new String(body, StandardCharsets.UTF_8), "token"))) {
            boolean https = "https".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("X-Forwarded-Proto"));
            return Response.redirect("/").with("Set-Cookie", token.setCookie(https));
        }
        return page(401, "<p class=\"refused\" role=\"alert\">That token is not the right one.</p>\n  ");
    }

    private static Response page(int status, String notice) {
        return Response.html(status, String.format(PAGE, notice))
                // the page needs nothing from anywhere, and may be framed by nobody
                .with("Content-Security-Policy",
                        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'");
    }

    /** One field of an application/x-www-form-urlencoded body, or null. */
    private static String field(String form, String name) {
        for (String pair : form.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).equals(name)) {
                return PercentEncoded.formField(pair.substring(eq + 1));
            }
        }
        return null;
    }
}
