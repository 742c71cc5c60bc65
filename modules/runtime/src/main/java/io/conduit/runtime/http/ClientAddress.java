package io.conduit.runtime.http;

import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The client's IP address behind a known number of trusted proxies. Each proxy appends the address
 * it received the request from to {@code X-Forwarded-For}, so with {@code hops} trusted proxies (the
 * ALB is one) the client is the {@code hops}-th entry from the right; entries further left were
 * written by the client itself and are never trusted. With no trusted hop, the socket address.
 */
final class ClientAddress {
    private ClientAddress() {}

    static String of(Context ctx, int trustedHops) {
        String socket = ctx.req().getRemoteAddr();
        if (trustedHops <= 0) {
            return socket;
        }
        List<String> entries = new ArrayList<>();
        for (String header : Collections.list(ctx.req().getHeaders("X-Forwarded-For"))) {
            for (String part : header.split(",")) {
                String entry = part.strip();
                if (!entry.isEmpty()) {
                    entries.add(entry);
                }
            }
        }
        if (entries.isEmpty()) {
            return socket;
        }
        int index = Math.max(0, entries.size() - trustedHops);
        return entries.get(index);
    }
}
