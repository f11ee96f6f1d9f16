package org.jinetd.daemon.control;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The control protocol's JSON, read and written with Jackson's streaming API alone: a
 * command that asks for a status loads a parser and a generator, not the reflection of an
 * object mapper over these records. A key it does not know is skipped; a value of the
 * wrong kind is an IOException that says which.
 */
public final class ControlJson {
    /** Deeper than any message nests (a reply is four levels deep). */
    private static final int MOST_DEPTH = 16;
    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MOST_DEPTH).build())
            .build();
    /** For a terminal or a script: every character past ASCII escaped, so a C1 control (CSI to some terminals) never reaches one. */
    private static final JsonFactory SHOWN = JsonFactory.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();

    private ControlJson() {}

    public static byte[] write(ControlMessages.Request request) throws IOException {
        var out = new ByteArrayOutputStream();
        try (var g = JSON.createGenerator(out)) {
            g.writeStartObject();
            string(g, "command", request.command());
            string(g, "service", request.service());
            g.writeEndObject();
        }
        return out.toByteArray();
    }

    public static byte[] write(ControlMessages.Reply reply) throws IOException {
        var out = new ByteArrayOutputStream();
        try (var g = JSON.createGenerator(out)) {
            reply(g, reply);
        }
        return out.toByteArray();
    }

    /** A status report as {@code jinetd status --json} prints it: indented, ASCII only. */
    public static String shown(StatusReport report) throws IOException {
        var out = new StringWriter();
        try (var g = SHOWN.createGenerator(out).useDefaultPrettyPrinter()) {
            status(g, report);
        }
        return out.toString();
    }

    public static ControlMessages.Request readRequest(String line) throws IOException {
        var m = object(read(line.getBytes(java.nio.charset.StandardCharsets.UTF_8)), "request");
        return new ControlMessages.Request(text(m, "command"), text(m, "service"));
    }

    public static ControlMessages.Reply readReply(byte[] bytes) throws IOException {
        var m = object(read(bytes), "reply");
        var problems = m.get("problems") == null ? null : strings(m, "problems");
        Reloaded reloaded = null;
        if (m.get("reloaded") != null) {
            var r = object(m.get("reloaded"), "reloaded");
            reloaded = new Reloaded(strings(r, "kept"), strings(r, "added"), strings(r, "removed"), strings(r, "failed"));
        }
        var status = m.get("status") == null ? null : status(object(m.get("status"), "status"));
        return new ControlMessages.Reply(bool(m, "ok"), text(m, "message"), problems, reloaded, status);
    }

    // ---------------------------------------------------------------- writing

    private static void reply(JsonGenerator g, ControlMessages.Reply reply) throws IOException {
        g.writeStartObject();
        g.writeBooleanField("ok", reply.ok());
        string(g, "message", reply.message());
        if (reply.problems() != null) {
            strings(g, "problems", reply.problems());
        }
        if (reply.reloaded() != null) {
            var r = reply.reloaded();
            g.writeObjectFieldStart("reloaded");
            strings(g, "kept", r.kept());
            strings(g, "added", r.added());
            strings(g, "removed", r.removed());
            strings(g, "failed", r.failed());
            g.writeEndObject();
        }
        if (reply.status() != null) {
            g.writeFieldName("status");
            status(g, reply.status());
        }
        g.writeEndObject();
    }

    private static void status(JsonGenerator g, StatusReport r) throws IOException {
        g.writeStartObject();
        string(g, "table", r.table());
        string(g, "tableLoaded", r.tableLoaded());
        g.writeBooleanField("tableChanged", r.tableChanged());
        g.writeNumberField("pid", r.pid());
        g.writeNumberField("uptimeSeconds", r.uptimeSeconds());
        g.writeNumberField("live", r.live());
        g.writeNumberField("maxConnections", r.maxConnections());
        g.writeNumberField("programs", r.programs());
        g.writeArrayFieldStart("services");
        for (var s : r.services()) {
            g.writeStartObject();
            string(g, "name", s.name());
            string(g, "protocol", s.protocol());
            string(g, "address", s.address());
            string(g, "state", s.state());
            g.writeNumberField("live", s.live());
            g.writeNumberField("connections", s.connections());
            g.writeObjectFieldStart("refused");
            for (var e : s.refused().entrySet()) {
                g.writeNumberField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
            g.writeNumberField("failed", s.failed());
            string(g, "lastError", s.lastError());
            if (s.handshakes() != null) {
                g.writeNumberField("handshakes", s.handshakes());
            }
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeArrayFieldStart("connections");
        for (var c : r.connections()) {
            g.writeStartObject();
            string(g, "service", c.service());
            string(g, "peer", c.peer());
            if (c.pid() != null) {
                g.writeNumberField("pid", c.pid());
            }
            g.writeNumberField("ageSeconds", c.ageSeconds());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeArrayFieldStart("spawners");
        for (var s : r.spawners()) {
            g.writeStartObject();
            string(g, "user", s.user());
            g.writeNumberField("pid", s.pid());
            string(g, "state", s.state());
            g.writeNumberField("programs", s.programs());
            g.writeNumberField("ageSeconds", s.ageSeconds());
            g.writeEndObject();
        }
        g.writeEndArray();
        if (r.openFiles() != null) {
            var f = r.openFiles();
            g.writeObjectFieldStart("openFiles");
            number(g, "open", f.open());
            number(g, "limit", f.limit());
            number(g, "hardLimit", f.hardLimit());
            number(g, "raisesAt", f.raisesAt());
            number(g, "programLimit", f.programLimit());
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    /** A number, or JSON's null (unlimited, not known). */
    private static void number(JsonGenerator g, String name, Long value) throws IOException {
        if (value == null) {
            g.writeNullField(name);
        } else {
            g.writeNumberField(name, value);
        }
    }

    /** A text field, left out where it is null. */
    private static void string(JsonGenerator g, String name, String value) throws IOException {
        if (value != null) {
            g.writeStringField(name, value);
        }
    }

    private static void strings(JsonGenerator g, String name, List<String> values) throws IOException {
        g.writeArrayFieldStart(name);
        for (var v : values) {
            g.writeString(v);
        }
        g.writeEndArray();
    }

    // ---------------------------------------------------------------- reading

    private static StatusReport status(Map<String, Object> m) throws IOException {
        var services = new ArrayList<StatusReport.ServiceRow>();
        for (var o : list(m, "services")) {
            var s = object(o, "services[]");
            var refused = new LinkedHashMap<String, Long>();
            for (var e : object(s.getOrDefault("refused", Map.of()), "refused").entrySet()) {
                refused.put(e.getKey(), number(e.getValue(), "refused." + e.getKey()).longValue());
            }
            services.add(new StatusReport.ServiceRow(text(s, "name"), text(s, "protocol"), text(s, "address"),
                    text(s, "state"), (int) whole(s, "live"), whole(s, "connections"), refused, whole(s, "failed"),
                    textOr(s, "lastError", ""), s.get("handshakes") == null ? null : whole(s, "handshakes")));
        }
        var connections = new ArrayList<StatusReport.ConnectionRow>();
        for (var o : list(m, "connections")) {
            var c = object(o, "connections[]");
            connections.add(new StatusReport.ConnectionRow(text(c, "service"), text(c, "peer"),
                    c.get("pid") == null ? null : whole(c, "pid"), real(c, "ageSeconds")));
        }
        var spawners = new ArrayList<StatusReport.SpawnerRow>();
        for (var o : list(m, "spawners")) {
            var s = object(o, "spawners[]");
            spawners.add(new StatusReport.SpawnerRow(text(s, "user"), whole(s, "pid"), text(s, "state"),
                    (int) whole(s, "programs"), real(s, "ageSeconds")));
        }
        StatusReport.OpenFiles openFiles = null;
        if (m.get("openFiles") != null) {
            var f = object(m.get("openFiles"), "openFiles");
            openFiles = new StatusReport.OpenFiles(wholeOrNull(f, "open"), wholeOrNull(f, "limit"),
                    wholeOrNull(f, "hardLimit"), wholeOrNull(f, "raisesAt"), wholeOrNull(f, "programLimit"));
        }
        return new StatusReport(text(m, "table"), text(m, "tableLoaded"), bool(m, "tableChanged"), whole(m, "pid"),
                real(m, "uptimeSeconds"), (int) whole(m, "live"), (int) whole(m, "maxConnections"),
                (int) whole(m, "programs"), services, connections, spawners, openFiles);
    }

    /** The message as maps, lists, strings, numbers and booleans; null for JSON's null. */
    private static Object read(byte[] bytes) throws IOException {
        try (var p = JSON.createParser(bytes)) {
            if (p.nextToken() == null) {
                throw new IOException("an empty message");
            }
            var value = value(p);
            if (p.nextToken() != null) {
                throw new IOException("more after the message, at " + p.currentLocation().getColumnNr());
            }
            return value;
        }
    }

    private static Object value(JsonParser p) throws IOException {
        return switch (p.currentToken()) {
            case START_OBJECT -> {
                var m = new LinkedHashMap<String, Object>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    var name = p.currentName();
                    p.nextToken();
                    m.put(name, value(p));
                }
                yield m;
            }
            case START_ARRAY -> {
                var l = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    l.add(value(p));
                }
                yield l;
            }
            case VALUE_STRING -> p.getText();
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> p.getNumberValue();
            case VALUE_TRUE -> true;
            case VALUE_FALSE -> false;
            case VALUE_NULL -> null;
            default -> throw new IOException("unexpected " + p.currentToken());
        };
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Object o, String what) throws IOException {
        if (o instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        throw new IOException(what + " is not an object");
    }

    private static List<?> list(Map<String, Object> m, String key) throws IOException {
        var o = m.get(key);
        if (o == null) {
            return List.of();
        }
        if (o instanceof List<?> l) {
            return l;
        }
        throw new IOException(key + " is not a list");
    }

    private static List<String> strings(Map<String, Object> m, String key) throws IOException {
        var out = new ArrayList<String>();
        for (var o : list(m, key)) {
            if (!(o instanceof String s)) {
                throw new IOException(key + " holds a value that is not text");
            }
            out.add(s);
        }
        return out;
    }

    /** A text value, or null where it is missing. */
    private static String text(Map<String, Object> m, String key) throws IOException {
        var o = m.get(key);
        if (o == null || o instanceof String) {
            return (String) o;
        }
        throw new IOException(key + " is not text");
    }

    private static String textOr(Map<String, Object> m, String key, String otherwise) throws IOException {
        var s = text(m, key);
        return s == null ? otherwise : s;
    }

    private static boolean bool(Map<String, Object> m, String key) throws IOException {
        var o = m.get(key);
        if (o == null || o instanceof Boolean) {
            return Boolean.TRUE.equals(o);
        }
        throw new IOException(key + " is not true or false");
    }

    private static Number number(Object o, String key) throws IOException {
        if (o instanceof Number n) {
            return n;
        }
        throw new IOException(key + " is not a number");
    }

    private static long whole(Map<String, Object> m, String key) throws IOException {
        var o = m.get(key);
        return o == null ? 0 : number(o, key).longValue();
    }

    /** A whole number, where JSON's null (or no key) stands for none. */
    private static Long wholeOrNull(Map<String, Object> m, String key) throws IOException {
        var o = m.get(key);
        return o == null ? null : number(o, key).longValue();
    }

    private static double real(Map<String, Object> m, String key) throws IOException {
        var o = m.get(key);
        return o == null ? 0 : number(o, key).doubleValue();
    }
}
