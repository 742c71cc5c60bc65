package io.conduit.runtime.http;

import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.util.List;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.jspecify.annotations.Nullable;

/**
 * Jetty's own error answers, given before any route runs (a malformed or ambiguous URI, a request
 * line, path or header too long, an unknown HTTP version or transfer coding, a body over the limit
 * sent by the servlet layer), in the API's JSON error shape instead of Jetty's HTML page: whatever
 * the client's {@code Accept} header, for every method, with no message, version or stack from the
 * server (the base class's HTML, text and JSON writers, and with them its show-stacks and
 * show-message settings, are never reached). This one is the server's (parser errors, before a request reaches the servlet context);
 * {@link Servlet} is the servlet context's.
 */
final class JsonErrorHandler extends org.eclipse.jetty.server.handler.ErrorHandler {
    private static final String JSON_UTF8 = "application/json; charset=utf-8";

    @Override
    public boolean errorPageForMethod(String method) {
        return true;
    }

    @Override
    protected boolean generateAcceptableResponse(
            Request request,
            Response response,
            Callback callback,
            String contentType,
            List<Charset> charsets,
            int code,
            String message,
            @Nullable Throwable cause) {
        return writeJson(response, callback, code);
    }

    private static boolean writeJson(Response response, Callback callback, int code) {
        byte[] body = ErrorResponses.bodyFor(code);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, JSON_UTF8);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
        return true;
    }

    /** The same answers for errors raised inside the servlet context (an ambiguous path, say). */
    static final class Servlet extends org.eclipse.jetty.ee10.servlet.ErrorHandler {
        @Override
        public boolean errorPageForMethod(String method) {
            return true;
        }

        @Override
        protected boolean generateAcceptableResponse(
                Request request,
                Response response,
                Callback callback,
                String contentType,
                List<Charset> charsets,
                int code,
                String message,
                @Nullable Throwable cause) {
            return writeJson(response, callback, code);
        }
    }
}
