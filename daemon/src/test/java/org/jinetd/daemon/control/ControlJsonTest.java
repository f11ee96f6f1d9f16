package org.jinetd.daemon.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The control protocol's JSON: what is written is read back whole, and a bad message is an error that says so. */
class ControlJsonTest {
    private static final StatusReport REPORT = new StatusReport("/etc/jinetd/services.yaml", "2026-12-06T12:00:00Z",
            true, 4242, 12.5, 2, 1024, 3,
            List.of(new StatusReport.ServiceRow("echo", "tcp", "127.0.0.1:7", "listening", 1, 10,
                            Map.of("only_from", 2L), 1, "exit=1", null),
                    new StatusReport.ServiceRow("web", "tcp", "[::]:443", "limited", 0, 5, Map.of(), 0, "", 4L)),
            List.of(new StatusReport.ConnectionRow("echo", "127.0.0.1:5000", 77L, 1.5),
                    new StatusReport.ConnectionRow("echo", "/run/c\u001b]0;x\u0007.sock", null, 0.25)),
            List.of(new StatusReport.SpawnerRow("nobody", 99, "ready", 2, 4.0)),
            new StatusReport.OpenFiles(34L, 1024L, null, 992L, 1024L));

    @Test
    void aReplyIsReadBackAsItWasWritten() throws IOException {
        var reply = new ControlMessages.Reply(true, "status", List.of("a:1:2: x"),
                new Reloaded(List.of("echo"), List.of("web"), List.of(), List.of("ftp: bind: in use")), REPORT);
        assertEquals(reply, ControlJson.readReply(ControlJson.write(reply)));
        var small = ControlMessages.Reply.of(false, "no");
        assertEquals(small, ControlJson.readReply(ControlJson.write(small)));
    }

    @Test
    void aRequestIsReadBackAndAKeyNotKnownIsSkipped() throws IOException {
        var request = new ControlMessages.Request("status", "echo");
        assertEquals(request, ControlJson.readRequest(new String(ControlJson.write(request), StandardCharsets.UTF_8)));
        assertEquals(new ControlMessages.Request("stop", null),
                ControlJson.readRequest("{\"command\":\"stop\",\"future\":{\"x\":[1,2,{}]}}"));
    }

    @Test
    void theShownReportIsAsciiJsonThatReadsAsTheReport() throws IOException {
        var shown = ControlJson.shown(REPORT);
        assertTrue(shown.chars().allMatch(c -> c == '\n' || c >= 0x20 && c < 0x7f), shown);
        var tree = new ObjectMapper().readTree(shown);
        assertEquals("/run/c\u001b]0;x\u0007.sock", tree.get("connections").get(1).get("peer").asText());
        assertTrue(tree.get("connections").get(1).get("pid") == null, "no pid for a handler's connection");
        assertEquals(4, tree.get("services").get(1).get("handshakes").asInt());
        assertTrue(tree.get("services").get(0).get("handshakes") == null, "no handshakes without tls:");
        assertEquals("nobody", tree.get("spawners").get(0).get("user").asText());
        assertEquals(34, tree.get("openFiles").get("open").asInt());
        assertTrue(tree.get("openFiles").get("hardLimit").isNull(), "an unlimited hard limit is null");
    }

    @Test
    void aReportWithoutOpenFilesIsReadAsNotKnown() throws IOException {
        var reply = ControlJson.readReply("{\"ok\":true,\"status\":{\"table\":\"t\",\"tableLoaded\":\"x\"}}"
                .getBytes(StandardCharsets.UTF_8));
        assertEquals(null, reply.status().openFiles());
        var e = assertThrows(IOException.class, () -> ControlJson.readReply(
                "{\"ok\":true,\"status\":{\"openFiles\":{\"open\":\"many\"}}}".getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().contains("open"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "null", "[]", "\"status\"", "{\"command\": 7}", "{\"command\": [\"status\"]}",
            "{\"command\":\"status\"} {}", "{\"command\":\"status\"", "{\"command\":\"st\\u", "{\"command\": tru}",
            "{\"service\": {\"a\": 1}}"})
    void aBadRequestIsAnError(String line) {
        var e = assertThrows(IOException.class, () -> ControlJson.readRequest(line));
        assertTrue(e.getMessage() != null && !e.getMessage().isEmpty());
    }

    @Test
    void aRequestNestedDeeperThanAnyMessageIsAnErrorNotAStackOverflow() {
        var deep = "{\"command\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}";
        assertThrows(IOException.class, () -> ControlJson.readRequest(deep));
    }

    @Test
    void aReplyWithAValueOfTheWrongKindSaysWhich() {
        var e = assertThrows(IOException.class, () -> ControlJson.readReply(
                "{\"ok\":true,\"status\":{\"pid\":\"x\"}}".getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().contains("pid"), e.getMessage());
    }
}
