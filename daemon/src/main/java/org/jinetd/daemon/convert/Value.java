package org.jinetd.daemon.convert;

import java.math.BigDecimal;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A value import writes, as the table holds it once read: text is always text, a number
 * always a number. Nothing read from the old file is ever written as YAML syntax of its
 * own, so no word of it can become a key, a list or a number.
 */
sealed interface Value {
    /** The value in YAML, on one line. */
    String yaml();

    record Text(String text) implements Value {
        @Override
        public String yaml() {
            return Yaml.string(text);
        }
    }

    record Whole(long number) implements Value {
        @Override
        public String yaml() {
            return Long.toString(number);
        }
    }

    /** A number with a fraction, such as a rate of 3.333 a second. */
    record Decimal(BigDecimal number) implements Value {
        @Override
        public String yaml() {
            return number.toPlainString();
        }
    }

    record Flag(boolean on) implements Value {
        @Override
        public String yaml() {
            return Boolean.toString(on);
        }
    }

    /** A list, written in flow style: {@code [a, b]}. */
    record Items(List<Value> items) implements Value {
        public Items {
            items = List.copyOf(items);
        }

        @Override
        public String yaml() {
            return items.stream().map(Value::yaml).collect(Collectors.joining(", ", "[", "]"));
        }
    }

    /** A map, written in flow style: {@code {per_second: 5, burst: 5}}; its keys must {@link Yaml#fits fit}. */
    record Entries(Map<String, Value> entries) implements Value {
        public Entries {
            entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
        }

        @Override
        public String yaml() {
            return entries.entrySet().stream().map(e -> Yaml.key(e.getKey()) + ": " + e.getValue().yaml())
                    .collect(Collectors.joining(", ", "{", "}"));
        }
    }

    static Value text(String text) {
        return new Text(text);
    }

    static Value texts(List<String> texts) {
        return new Items(texts.stream().map(Value::text).toList());
    }

    static Value whole(long number) {
        return new Whole(number);
    }

    static Value on() {
        return new Flag(true);
    }

    static Value entries(String key, Value value) {
        return new Entries(Map.of(key, value));
    }

    /** A map of two keys, in this order. */
    static Value entries(String first, Value one, String second, Value two) {
        var map = new LinkedHashMap<String, Value>();
        map.put(first, one);
        map.put(second, two);
        return new Entries(map);
    }
}
