package org.jinetd.daemon.control;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.jinetd.daemon.log.ConnectionLog;
import org.jinetd.daemon.os.Libc;
import org.jinetd.daemon.os.SocketCalls;

/**
 * sd_notify(3): tells systemd what the daemon is doing, over the datagram socket named in
 * {@code NOTIFY_SOCKET} (a path or an abstract {@code @name}), and keeps its watchdog fed
 * when {@code WATCHDOG_USEC} asks for it. Without NOTIFY_SOCKET every call does nothing.
 */
public final class Notifier implements AutoCloseable {
    private final Optional<String> socketName;
    private final int fd;
    private final ConnectionLog log;
    private Thread watchdog;

    private Notifier(Optional<String> socketName, int fd, ConnectionLog log) {
        this.socketName = socketName;
        this.fd = fd;
        this.log = log;
    }

    public static Notifier from(Map<String, String> environment, ConnectionLog log) {
        var name = Optional.ofNullable(environment.get("NOTIFY_SOCKET")).filter(s -> !s.isEmpty());
        if (name.isEmpty()) {
            return new Notifier(name, -1, log);
        }
        try {
            var notifier = new Notifier(name, SocketCalls.unixDatagramSocket(), log);
            notifier.feedWatchdog(environment);
            return notifier;
        } catch (Libc.Failure | RuntimeException | LinkageError e) {
            log.warn("sd_notify: cannot open a socket for " + name.get() + ": " + e.getMessage());
            return new Notifier(Optional.empty(), -1, log);
        }
    }

    /** Every listener is bound. */
    public void ready(String status) {
        send("READY=1\nSTATUS=" + status + "\nMAINPID=" + ProcessHandle.current().pid());
    }

    /**
     * A reload begins. MONOTONIC_USEC is CLOCK_MONOTONIC, which is what System.nanoTime()
     * reads on Linux; systemd 253+ needs it to match its own clock.
     */
    public void reloading() {
        send("RELOADING=1\nMONOTONIC_USEC=" + System.nanoTime() / 1_000 + "\nSTATUS=reloading");
    }

    public void stopping() {
        send("STOPPING=1\nSTATUS=stopping");
    }

    public void status(String status) {
        send("STATUS=" + status);
    }

    private void feedWatchdog(Map<String, String> environment) {
        var usec = environment.get("WATCHDOG_USEC");
        var pid = environment.get("WATCHDOG_PID");
        if (usec == null || pid != null && !pid.equals(Long.toString(ProcessHandle.current().pid()))) {
            return;
        }
        long interval;
        try {
            interval = Long.parseLong(usec) / 2;
        } catch (NumberFormatException e) {
            log.warn("sd_notify: WATCHDOG_USEC=" + usec + " is not a number; no watchdog");
            return;
        }
        // Half the interval, as sd_watchdog_enabled(3) advises.
        watchdog = Thread.ofVirtual().name("watchdog").start(() -> {
            while (true) {
                send("WATCHDOG=1");
                try {
                    Thread.sleep(Duration.ofNanos(interval * 1_000));
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    private void send(String message) {
        if (socketName.isEmpty()) {
            return;
        }
        try {
            SocketCalls.sendTo(fd, socketName.get(), message.getBytes(StandardCharsets.UTF_8));
        } catch (Libc.Failure e) {
            log.warn("sd_notify: " + socketName.get() + ": " + e.getMessage());
        }
    }

    @Override
    public void close() {
        if (watchdog != null) {
            watchdog.interrupt();
        }
        if (fd >= 0) {
            try {
                Libc.close(fd);
            } catch (Libc.Failure e) {
                // Already closed.
            }
        }
    }
}
