package org.jinetd.daemon.control;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.jinetd.daemon.Daemon;

/** The control socket's protocol: one JSON request line in, one JSON reply line out. */
public final class ControlMessages {
    static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .setDefaultPropertyInclusion(JsonInclude.Include.NON_NULL);

    private ControlMessages() {}

    /**
     * @param command status, reload or stop
     * @param service for status, one service's live connections
     */
    public record Request(String command, String service) {}

    /**
     * @param ok       whether it was done
     * @param message  what happened, in words
     * @param problems a reload's problems with the table, each FILE:LINE:COLUMN: ...
     * @param reloaded what a reload changed
     * @param status   for status
     */
    public record Reply(boolean ok, String message, List<String> problems, Daemon.Reloaded reloaded,
                        StatusReport status) {
        public static Reply of(boolean ok, String message) {
            return new Reply(ok, message, null, null, null);
        }
    }

    public static ObjectMapper json() {
        return JSON;
    }
}
