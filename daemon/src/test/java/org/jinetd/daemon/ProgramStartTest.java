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

/** Every program starts clean, whichever way it starts: its own session, a blocking socket. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProgramStartTest {
    /** The program's pid and session id, from its own /proc/self/stat (fields 1 and 6). */
    private static final String PID_AND_SID = "[/bin/sh, -c, 'read -r pid rest < /proc/self/stat; "
            + "set -- ${rest##*) }; echo \"$pid $4\"']";

    private static void assertLeadsItsSession(String answer) {
        var fields = answer.strip().split(" ");
        assertEquals(2, fields.length, answer);
        assertEquals(fields[0], fields[1], "pid and session id: " + answer);
    }

    @Test
    void aBridgedProgramLeadsItsOwnSession() throws Exception {
        try (var d = TestDaemon.start("services: {bridged: {bind: 127.0.0.1, io: bridge, exec: " + PID_AND_SID + "}}")) {
            assertLeadsItsSession(Clients.exchange(d.port("bridged"), ""));
        }
    }

    @Test
    void aDatagramProgramLeadsItsOwnSession() throws Exception {
        try (var d = TestDaemon.start("services: {dgram: {bind: 127.0.0.1, protocol: udp, exec: " + PID_AND_SID + "}}")) {
            var answer = Clients.datagram(InetAddress.getByName("127.0.0.1"), d.port("dgram"), "x".getBytes());
            assertLeadsItsSession(new String(answer, StandardCharsets.UTF_8));
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
