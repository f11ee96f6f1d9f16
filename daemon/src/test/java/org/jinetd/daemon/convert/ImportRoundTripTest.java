package org.jinetd.daemon.convert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.jinetd.daemon.config.Config;
import org.jinetd.daemon.config.Loaded;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.comments.CommentType;
import org.yaml.snakeyaml.events.CommentEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.StreamEndEvent;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;

/**
 * What import writes is what it means: for random and mutated inetd.conf and xinetd.conf
 * files, the table read back (by the YAML reader the daemon uses) holds exactly the keys and
 * values of the model import meant to write, no more, each value equal and of its type; and
 * every note is one comment that reads back as the note. Seeded, so that a failure can be
 * replayed.
 */
class ImportRoundTripTest {
    private static final int ROUNDS = 2_000;
    /** Every so many rounds, the whole table is also loaded by the daemon's own reader. */
    private static final int LOADED_EVERY = 25;
    /** The daemon's factory (YamlReader's), failing on a key written twice. */
    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder().build())
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    @TempDir
    Path dir;
    private OldTables tables;

    @BeforeEach
    void banners() throws Exception {
        // Banners whose text lands in a value: every break and control YAML or an editor reads its own way.
        var first = Files.writeString(dir.resolve("b1"), "hello\u2028defaults: {env: {LD_PRELOAD: /x.so}}\n\u0000\u001b[2J");
        var second = Files.writeString(dir.resolve("b2"), "\ufeff\u202eevil\u0085\r\n'\"\\ \u00a0end");
        tables = new OldTables(first, second, true);
    }

    @Test
    void everyImportedTableReadsBackAsTheModelImportMeant() throws Exception {
        var random = new SplittableRandom(20261207L);
        var file = dir.resolve("old.conf");
        var table = dir.resolve("services.yaml");
        for (int round = 0; round < ROUNDS; round++) {
            boolean inetd = round % 2 == 0;
            var text = inetd ? tables.inetd(random) : tables.xinetd(random);
            // A new file each round: ext4 flushes a file truncated and written again when it is closed.
            Files.deleteIfExists(file);
            Files.write(file, text.getBytes(StandardCharsets.UTF_8));
            Imported model;
            try {
                model = inetd ? InetdImport.convert(file, java.util.Set.of())
                        : XinetdImport.convert(file, List.of(), name -> name.length() % 2 == 0 ? List.of("192.0.2.7") : List.of(),
                                java.util.Set.of());
            } catch (Exception e) {
                throw new AssertionError("round " + round + " threw on:\n" + shown(text), e);
            }
            var yaml = model.yaml();
            var context = "round " + round + " on:\n" + shown(text) + "\nwrote:\n" + shown(yaml);
            JsonNode read;
            try {
                read = YAML.readTree(yaml);
            } catch (Exception e) {
                throw new AssertionError("not read back: " + e.getMessage() + "\n" + context, e);
            }
            // No character an editor shows otherwise than YAML reads it: no break but LF, no control but tab.
            assertTrue(yaml.codePoints().allMatch(c -> c == '\n' || c == '\t' || Yaml.shown(c)), context);
            same(document(model), read, "", context);
            assertEquals(sorted(comments(model)), sorted(comments(yaml)), context);
            // The same services as a file another table includes: services alone, the defaults in each.
            var included = model.yaml(INCLUDED);
            assertTrue(included.codePoints().allMatch(c -> c == '\n' || c == '\t' || Yaml.shown(c)), context);
            try {
                same(folded(model), YAML.readTree(included), "", "included:\n" + shown(included) + "\n" + context);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new AssertionError("not read back: " + e.getMessage() + "\nincluded:\n" + shown(included)
                        + "\n" + context, e);
            }
            if (round % LOADED_EVERY == 0) {
                Files.deleteIfExists(table);
                Files.writeString(table, yaml);
                if (Config.load(table) instanceof Loaded.Bad(var problems)) {
                    for (var problem : problems) {
                        // A table import wrote is YAML of known keys; what it names may be missing here.
                        assertTrue(!problem.what().matches("(?s)(YAML syntax error|duplicate key|unknown key|cannot read:"
                                + "|.*line break).*"), problem + "\n" + context);
                    }
                }
            }
        }
    }

    /** An including table whose defaults set keys import undoes and a key it leaves. */
    private static final Form.Included INCLUDED = new Form.Included(Path.of("/etc/jinetd/services.yaml"),
            defaults("bind", "127.0.0.1", "per_source", "4", "timeout_idle", "5m"), java.util.Set.of());

    private static Map<String, String> defaults(String... pairs) {
        var out = new java.util.LinkedHashMap<String, String>();
        for (int i = 0; i < pairs.length; i += 2) {
            out.put(pairs[i], pairs[i + 1]);
        }
        return out;
    }

    /**
     * The included form as import means it: services alone, each with its own keys, then the
     * defaults' it does not write, then bind and per_source undone where it writes neither.
     */
    private static Value folded(Imported model) {
        var services = new java.util.LinkedHashMap<String, Value>();
        for (var s : model.services) {
            var keys = new java.util.LinkedHashMap<String, Value>();
            s.keys.values().forEach(k -> keys.put(k.name(), k.value()));
            if (model.defaults != null) {
                model.defaults.keys.values().forEach(k -> keys.putIfAbsent(k.name(), k.value()));
            }
            keys.putIfAbsent("bind", Value.text("::"));
            keys.putIfAbsent("per_source", Value.text("unlimited"));
            services.put(s.name, new Value.Entries(keys));
        }
        return new Value.Entries(Map.of("services", new Value.Entries(services)));
    }

    /** The table as import means it: defaults when it has keys, then services. */
    private static Value document(Imported model) {
        var top = new java.util.LinkedHashMap<String, Value>();
        if (model.defaults != null && !model.defaults.keys.isEmpty()) {
            top.put("defaults", keys(model.defaults));
        }
        var services = new java.util.LinkedHashMap<String, Value>();
        model.services.forEach(s -> services.put(s.name, keys(s)));
        top.put("services", new Value.Entries(services));
        return new Value.Entries(top);
    }

    private static Value keys(Imported.Service service) {
        var keys = new java.util.LinkedHashMap<String, Value>();
        service.keys.values().forEach(k -> keys.put(k.name(), k.value()));
        return new Value.Entries(keys);
    }

    /** {@code read} is {@code meant}: the same kind of value, equal, with the same keys in the same order. */
    private static void same(Value meant, JsonNode read, String path, String context) {
        var where = "at '" + path + "': meant " + meant + ", read " + read + "\n" + context;
        switch (meant) {
            case Value.Text(var text) -> assertTrue(read.isTextual() && read.textValue().equals(text), where);
            case Value.Whole(var number) -> assertTrue(read.isIntegralNumber()
                    && read.bigIntegerValue().equals(BigInteger.valueOf(number)), where);
            case Value.Decimal(var number) -> assertTrue(read.isFloatingPointNumber()
                    && read.doubleValue() == number.doubleValue(), where);
            case Value.Flag(var on) -> assertTrue(read.isBoolean() && read.booleanValue() == on, where);
            case Value.Items(var items) -> {
                assertTrue(read.isArray() && read.size() == items.size(), where);
                for (int i = 0; i < items.size(); i++) {
                    same(items.get(i), read.get(i), path + "[" + i + "]", context);
                }
            }
            case Value.Entries(var entries) -> {
                assertTrue(read.isObject(), where);
                var names = new ArrayList<String>();
                read.fieldNames().forEachRemaining(names::add);
                assertEquals(List.copyOf(entries.keySet()), names, where);
                for (Map.Entry<String, Value> e : entries.entrySet()) {
                    same(e.getValue(), read.get(e.getKey()), path + "/" + e.getKey(), context);
                }
            }
        }
    }

    /** Every comment import means to write, as text. */
    private static List<String> comments(Imported model) {
        var out = new ArrayList<>(model.header(new Form.Table()));
        out.addAll(model.notes);
        if (model.defaults != null) {
            model.defaults.notes.forEach(n -> out.add("defaults: " + n));
            model.defaults.keys.values().stream().filter(k -> k.comment() != null).forEach(k -> out.add(k.comment()));
        }
        for (var s : model.services) {
            out.addAll(s.notes);
            s.keys.values().stream().filter(k -> k.comment() != null).forEach(k -> out.add(k.comment()));
        }
        return out;
    }

    /**
     * Every comment of {@code yaml} as SnakeYAML reads it, each turned back into the text it
     * stands for: a comment holds its text escaped as in a double-quoted scalar.
     */
    private static List<String> comments(String yaml) throws Exception {
        var options = new LoaderOptions();
        options.setProcessComments(true);
        var parser = new ParserImpl(new StreamReader(yaml), options);
        var escaped = new ArrayList<String>();
        for (Event event; (event = parser.getEvent()) != null; ) {
            if (event instanceof CommentEvent comment && comment.getCommentType() != CommentType.BLANK_LINE) {
                escaped.add("\"" + comment.getValue().substring(1).replace("\"", "\\\"") + "\"");
            }
            if (event instanceof StreamEndEvent) {
                break;
            }
        }
        var texts = new ArrayList<String>();
        YAML.readTree(escaped.stream().collect(Collectors.joining(", ", "[", "]"))).forEach(t -> texts.add(t.textValue()));
        return texts;
    }

    private static List<String> sorted(List<String> texts) {
        return texts.stream().sorted().toList();
    }

    /** Text for a failure message: what is not printable, as its code. */
    private static String shown(String text) {
        return text.codePoints().mapToObj(c -> c == '\n' || c >= 0x20 && c < 0x7f ? Character.toString(c)
                : "<U+%04X>".formatted(c)).collect(Collectors.joining());
    }
}
