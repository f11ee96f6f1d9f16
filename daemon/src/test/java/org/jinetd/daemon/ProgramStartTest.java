package org.jinetd.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every program starts clean, whichever way it starts: apart from the daemon's session and
 * terminal, with a blocking socket.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProgramStartTest {
    /** The program's pid, process group, session and terminal, from its own /proc/self/stat (fields 1, 5, 6, 7). */
    static final String PID_GROUP_SESSION = "[/bin/sh, -c, 'read -r pid rest < /proc/self/stat; "
            + "set -- ${rest##*) }; echo \"$pid $3 $4 $5\"']";

    /**
     * A program the daemon spawns leads its own session; one a spawner of its user spawns
     * leads its own process group, in the spawner's session. Either way it has no terminal.
     */
    static void assertStartsApart(TestDaemon d, String answer) {
        var fields = answer.strip().split(" ");
        assertEquals(4, fields.length, answer);
        assertEquals(fields[0], fields[1], "pid and process group: " + answer);
        assertEquals("0", fields[3], "no terminal: " + answer);
        if (!fields[0].equals(fields[2])) {
            assertTrue(d.spawners().contains(Integer.parseInt(fields[2])),
                    "in the session of a spawner " + d.spawners() + ": " + answer);
        }
    }

    /** Its services {@code NAME} (as root, spawned by the daemon) and {@code NAME-user} (as nobody, by a spawner). */
    static String asBoth(String name, String keys) {
        var root = System.getProperty("user.name").equals("root");
        return "  %1$s: {bind: 127.0.0.1, user: %2$s, %3$s}\n".formatted(name, System.getProperty("user.name"), keys)
                + (root ? "  %1$s-user: {bind: 127.0.0.1, user: nobody, %2$s}\n".formatted(name, keys) : "");
    }

    /** The services {@link #asBoth} made. */
    static java.util.List<String> both(String name) {
        return System.getProperty("user.name").equals("root") ? java.util.List.of(name, name + "-user")
                : java.util.List.of(name);
    }

    @Test
    void aBridgedProgramStartsApart() throws Exception {
        try (var d = TestDaemon.start("services:\n" + asBoth("bridged", "io: bridge, exec: " + PID_GROUP_SESSION))) {
            for (var service : both("bridged")) {
                assertStartsApart(d, Clients.exchange(d.port(service), ""));
            }
        }
    }

    @Test
    void aDatagramProgramStartsApart() throws Exception {
        try (var d = TestDaemon.start("services:\n" + asBoth("dgram", "protocol: udp, exec: " + PID_GROUP_SESSION))) {
            for (var service : both("dgram")) {
                var answer = Clients.datagram(InetAddress.getByName("127.0.0.1"), d.port(service), "x".getBytes());
                assertStartsApart(d, new String(answer, StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    void afterABannerTheProgramGetsABlockingSocket() throws Exception {
        // The program shows its socket's flags (octal, O_NONBLOCK is 04000), then echoes a line.
        try (var d = TestDaemon.start("services: {greet: {bind: 127.0.0.1, banner: \"hello\\n\", "
                + "exec: [/bin/sh, -c, 'sed -n \"s/^flags:\\t//p\" /proc/self/fdinfo/0; head -n 1']}}");
             var socket = Clients.connect(d.port("greet"))) {
            var in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("hello", in.readLine());
            var flags = Integer.parseInt(in.readLine(), 8);
            assertEquals(0, flags & 04000, "O_NONBLOCK in " + Integer.toOctalString(flags));
            // Sent only once the program has started: head reads it, whether it is there yet or not.
            socket.getOutputStream().write("line one\n".getBytes(StandardCharsets.UTF_8));
            assertEquals("line one", in.readLine());
            assertEquals(null, in.readLine());
            var line = d.awaitLog("service=greet peer=");
            assertTrue(line.contains(" exit=0 "), line);
        }
    }
}
