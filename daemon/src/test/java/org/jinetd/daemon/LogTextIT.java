package org.jinetd.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Pattern;
import org.jinetd.daemon.log.Inbox;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built daemon, with a handler whose exception quotes a client's line (a newline and an
 * entry of the client's choosing), one whose message is 70 KiB long, and a program that writes
 * control characters to its stderr: on stderr, in a file, to syslog and to the journal, each
 * event is one entry at the daemon's level, the outside text one escaped value of it, and no
 * entry, level or field is the client's.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class LogTextIT {
    /**
     * Throws, as Integer.parseInt of a client's line would, or with 70 KiB of message ({@code how:
     * long}), or starts a thread that dies ({@code how: thread}).
     */
    private static final String FORGE = """
            package example;
            import java.util.*;
            import org.jinetd.handler.*;
            public final class Forge implements HandlerProvider {
                public String name() { return "forge"; }
                public Optional<StreamHandler> stream(Map<String, String> options) {
                    var how = options.getOrDefault("how", "forge");
                    return Optional.of(c -> {
                        if (how.equals("thread")) {
                            // A thread of its own that dies, its name and its message the client's.
                            Thread.ofPlatform().name("worker\\nWARN service=x").start(() -> {
                                throw new IllegalStateException("x\\nWARN service=x peer=1.2.3.4 refused=only_from");
                            });
                            return;
                        }
                        if (how.equals("long")) {
                            throw new IllegalArgumentException("x".repeat(70 * 1024) + "\\nERROR service=x peer=1.2.3.4 refused=only_from");
                        }
                        throw new NumberFormatException("For input string: \\"x\\u001b[2J\\r\\u0007\\nWARN service=x peer=1.2.3.4 refused=only_from\\"");
                    });
                }
            }
            """;
    private static final String FORGED = "java.lang.NumberFormatException: For input string: "
            + "\\\"x\\x1b[2J\\r\\x07\\nWARN service=x peer=1.2.3.4 refused=only_from\\\"";
    private static final String STDERR = "stderr=\"a\\x1b[2J\\r\\x07\\x00b\\\\nWARN service=x\"";
    /** As systemd does: JOURNAL_STREAM is the device and inode of the stderr it gives. */
    private static final List<String> AS_JOURNAL = List.of("/bin/sh", "-c",
            "JOURNAL_STREAM=$(stat -L -c %d:%i /proc/self/fd/2) && export JOURNAL_STREAM && exec \"$0\" \"$@\"");

    @TempDir
    Path dir;

    private int forge;
    private int longMessage;
    private int noisy;
    private int thread;

    /** A table of the three services, with {@code log} as its first line. */
    private Path table(String log) throws Exception {
        var plugins = dir.resolve("plugins");
        if (!Files.exists(plugins)) {
            Files.createDirectories(plugins);
            PluginJars.write(plugins.resolve("forge.jar"), Map.of("example.Forge", FORGE), "example.Forge");
        }
        forge = TestDaemon.freePort();
        longMessage = TestDaemon.freePort();
        noisy = TestDaemon.freePort();
        thread = TestDaemon.freePort();
        return Files.writeString(dir.resolve("services.yaml"), """
                %s
                control_socket: none
                plugins: %s
                services:
                  forge: {bind: 127.0.0.1, port: %d, handler: forge}
                  long: {bind: 127.0.0.1, port: %d, handler: forge, options: {how: long}}
                  thread: {bind: 127.0.0.1, port: %d, handler: forge, options: {how: thread}}
                  noisy:
                    bind: 127.0.0.1
                    port: %d
                    # ESC, CR, BEL, NUL, a backslash and an n; then a newline, which ends the line.
                    exec: [/bin/sh, -c, 'printf ''a\\033[2J\\r\\007\\000b\\\\nWARN service=x\\n'' >&2; echo done']
                """.formatted(log, plugins, forge, longMessage, thread, noisy));
    }

    /** Connects to each service once. */
    private void exchange() throws IOException {
        assertEquals("", Clients.exchange(forge, ""));
        assertEquals("", Clients.exchange(longMessage, ""));
        assertEquals("done\n", Clients.exchange(noisy, ""));
        assertEquals("", Clients.exchange(thread, ""));
    }

    /** What each destination waits for: every event's entry. */
    private static final String[] EVENTS = {"service=forge peer=", "service=long peer=", "service=noisy peer=", STDERR,
            "service=thread peer=", " died: "};

    /** An entry as a destination has it: its syslog priority, and its message after the level or header. */
    private record Entry(int priority, String message) {}

    /** What every destination must show: one entry per event, its level the daemon's, the outside text escaped in it. */
    private static void assertOneEntryEach(List<Entry> entries) {
        var shown = String.join("\n", entries.stream().map(Entry::toString).toList());
        assertTrue(entries.stream().allMatch(e -> e.message().chars().noneMatch(c -> c < ' ' || c == 0x7f)), shown);
        var forged = entries.stream().filter(e -> e.message().startsWith("service=forge ")).toList();
        assertEquals(1, forged.size(), shown);
        assertTrue(forged.getFirst().message().contains(" error=\"" + FORGED + "\" trace=\"\\tat forge.jar//example.Forge"),
                forged.getFirst().message());
        assertEquals(4, forged.getFirst().priority());
        var cut = entries.stream().filter(e -> e.message().startsWith("service=long ")).toList();
        assertEquals(1, cut.size(), shown);
        assertTrue(cut.getFirst().message().contains("x [cut at 16384 characters]\" trace=\"\\tat forge.jar//example.Forge"),
                cut.getFirst().message().substring(0, 100));
        assertEquals(4, cut.getFirst().priority());
        assertEquals(1, entries.stream().filter(e -> e.message().matches("service=noisy pid=\\d+ " + Pattern.quote(STDERR)))
                .count(), shown);
        var died = entries.stream().filter(e -> e.message().contains(" died: ")).toList();
        assertEquals(1, died.size(), shown);
        assertTrue(died.getFirst().message().startsWith("thread \"worker\\nWARN service=x\" died: error=\"java.lang."
                + "IllegalStateException: x\\nWARN service=x peer=1.2.3.4 refused=only_from\" trace=\"\\tat "),
                died.getFirst().message());
        assertEquals(3, died.getFirst().priority());
        // The client's words are never at the head of an entry, where the daemon's keys are.
        assertTrue(entries.stream().noneMatch(e -> e.message().startsWith("service=x ")), shown);
        assertTrue(entries.stream().allMatch(e -> e.priority() != 3 || e == died.getFirst()),
                "no entry at the client's ERROR: " + shown);
    }

    /** {@code 2025-06-01T12:00:00.123+02:00 WARN message}, as on stderr and in a file. */
    private static List<Entry> timed(List<String> lines) {
        var levels = Map.of("ERROR", 3, "WARN", 4, "INFO", 6);
        var out = new ArrayList<Entry>();
        for (var line : lines) {
            var m = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\S+ (ERROR|WARN|INFO) (.*)").matcher(line);
            assertTrue(m.matches(), line);
            out.add(new Entry(levels.get(m.group(1)), m.group(2)));
        }
        return out;
    }

    @Test
    void onStderr() throws Exception {
        try (var jinetd = Launched.start("run", "-c", table("").toString())) {
            jinetd.awaitErr("ready:");
            exchange();
            for (var end : EVENTS) {
                jinetd.awaitErr(end);
            }
            jinetd.signal("TERM");
            assertEquals(0, jinetd.exit());
            assertOneEntryEach(timed(jinetd.err().lines().toList()));
        }
    }

    @Test
    void inAFile() throws Exception {
        var log = dir.resolve("jinetd.log");
        try (var jinetd = Launched.start("run", "-c", table("log: " + log).toString())) {
            jinetd.awaitErr("INFO log: to " + log + " from now on");
            awaitIn(log, "ready:");
            exchange();
            var content = awaitIn(log, EVENTS);
            jinetd.signal("TERM");
            assertEquals(0, jinetd.exit());
            assertOneEntryEach(timed(content.lines().toList()));
        }
    }

    @Test
    void toSyslog() throws Exception {
        try (var syslog = new Inbox(dir.resolve("log"));
             var jinetd = Launched.start(Map.of("JINETD_JAVA_OPTS", "-Djinetd.syslog.socket=" + syslog.path()), "run",
                     "-c", table("log: syslog").toString())) {
            jinetd.awaitErr("INFO log: to syslog (" + syslog.path() + ") from now on");
            var datagrams = new ArrayList<String>();
            while (!seen(datagrams, "ready:")) {
                datagrams.add(syslog.receiveText());
            }
            exchange();
            while (!seen(datagrams, EVENTS)) {
                datagrams.add(syslog.receiveText());
            }
            jinetd.signal("TERM");
            assertEquals(0, jinetd.exit());
            var entries = new ArrayList<Entry>();
            for (var datagram : datagrams) {
                // <28>: facility daemon (24), severity warning (4).
                var m = Pattern.compile("<(\\d+)>\\w{3} [ \\d]\\d \\S+ jinetd\\[\\d+]: (.*)").matcher(datagram);
                assertTrue(m.matches(), datagram);
                entries.add(new Entry(Integer.parseInt(m.group(1)) - 24, m.group(2)));
            }
            assertOneEntryEach(entries);
        }
    }

    @Test
    void toTheJournal() throws Exception {
        var socket = dir.resolve("journal.sock");
        try (var journal = new Inbox(socket);
             var jinetd = Launched.under(AS_JOURNAL, Map.of("JINETD_JAVA_OPTS", "-Djinetd.journal.socket=" + socket),
                     "run", "-c", table("").toString())) {
            var entries = new ArrayList<List<Inbox.Field>>();
            var messages = new ArrayList<String>();
            while (!seen(messages, "ready:")) {
                entries.add(journal.receiveEntry());
                messages.add(Inbox.only(entries.getLast(), "MESSAGE"));
            }
            exchange();
            while (!seen(messages, EVENTS)) {
                entries.add(journal.receiveEntry());
                messages.add(Inbox.only(entries.getLast(), "MESSAGE"));
            }
            jinetd.signal("TERM");
            assertEquals(0, jinetd.exit());
            var read = new ArrayList<Entry>();
            for (var entry : entries) {
                var message = Inbox.only(entry, "MESSAGE");
                // Its priority is the daemon's, its fields the daemon's, each once.
                read.add(new Entry(Integer.parseInt(Inbox.only(entry, "PRIORITY")), message));
                assertEquals("jinetd", Inbox.only(entry, "SYSLOG_IDENTIFIER"));
                var names = entry.stream().map(Inbox.Field::name).toList();
                assertEquals(names.size(), names.stream().distinct().count(), Inbox.shown(entry));
                assertTrue(entry.stream().noneMatch(f -> f.name().equals("JINETD_REFUSED")), Inbox.shown(entry));
                assertTrue(entry.stream().noneMatch(f -> f.name().equals("JINETD_SERVICE") && f.text().equals("x")),
                        Inbox.shown(entry));
                if (message.contains("service=forge ")) {
                    assertEquals("4", Inbox.only(entry, "PRIORITY"));
                    assertEquals("forge", Inbox.only(entry, "JINETD_SERVICE"));
                    assertEquals("java.lang.NumberFormatException: For input string: \"x\u001b[2J\r\u0007\n"
                            + "WARN service=x peer=1.2.3.4 refused=only_from\"", Inbox.only(entry, "JINETD_ERROR"));
                    var error = entry.stream().filter(f -> f.name().equals("JINETD_ERROR")).findFirst().orElseThrow();
                    assertTrue(error.binary(), "a value with control characters takes the binary form");
                    assertTrue(Inbox.only(entry, "JINETD_TRACE").startsWith("\tat forge.jar//example.Forge"));
                }
            }
            assertOneEntryEach(read);
            assertTrue(jinetd.err().lines().noneMatch(l -> l.contains("service=")), jinetd.err());
        }
    }

    private static boolean seen(List<String> messages, String... all) {
        for (var text : all) {
            if (messages.stream().noneMatch(m -> m.contains(text))) {
                return false;
            }
        }
        return true;
    }

    /** Waits up to 20 s for {@code file} to hold each of {@code texts}; its content then. */
    private static String awaitIn(Path file, String... texts) throws IOException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            String content;
            try {
                content = Files.readString(file);
            } catch (NoSuchFileException e) {
                content = "";
            }
            if (seen(content.lines().toList(), texts)) {
                return content;
            }
            if (System.nanoTime() > deadline) {
                fail(file + " never held all of " + List.of(texts) + ":\n" + content);
            }
            LockSupport.parkNanos(10_000_000);
        }
    }
}
