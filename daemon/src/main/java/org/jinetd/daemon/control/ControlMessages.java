package org.jinetd.daemon.control;

import java.util.List;

/** The control socket's protocol: one JSON request line in, one JSON reply line out ({@link ControlJson}). */
public final class ControlMessages {
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
    public record Reply(boolean ok, String message, List<String> problems, Reloaded reloaded, StatusReport status) {
        public static Reply of(boolean ok, String message) {
            return new Reply(ok, message, null, null, null);
        }
    }
}
