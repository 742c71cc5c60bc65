package io.conduit.app.api;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

/** Collects the access-log lines of in-process apps, to read a request's logged fields. */
final class AccessLogCapture implements AutoCloseable {
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    AccessLogCapture() {
        appender.start();
        logger().addAppender(appender);
    }

    /** The value the access log line of the request with this id carries under {@code key}. */
    Object field(String requestId, String key) {
        return appender.list.stream()
                .filter(e -> requestId.equals(e.getMDCPropertyMap().get("requestId")))
                .flatMap(e -> e.getKeyValuePairs().stream())
                .filter(kv -> kv.key.equals(key))
                .map(kv -> kv.value)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no access log field " + key + " for request " + requestId));
    }

    @Override
    public void close() {
        logger().detachAppender(appender);
    }

    private static Logger logger() {
        return (Logger) LoggerFactory.getLogger("conduit.access");
    }
}
