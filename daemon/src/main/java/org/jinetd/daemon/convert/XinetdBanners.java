package org.jinetd.daemon.convert;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * xinetd's three banners on jinetd's two. xinetd sends {@code banner} to every client as
 * soon as it connects, before any check, then {@code banner_success} to an admitted one or
 * {@code banner_fail} to a refused one. jinetd sends {@code banner} to an admitted client
 * and {@code banner_fail} to a refused one; so xinetd's {@code banner} goes into both.
 */
final class XinetdBanners {
    private XinetdBanners() {}

    /** Writes the banners of a service, each the service's own or else the defaults'. */
    static void write(Map<String, List<String>> own, Map<String, List<String>> defaults, Imported.Service s) {
        var always = first(own, defaults, "banner");
        var success = first(own, defaults, "banner_success");
        var fail = first(own, defaults, "banner_fail");
        if (always.isEmpty() && success.isEmpty() && fail.isEmpty()) {
            return;
        }
        put(s, "banner", always, success, "xinetd's banner, then its banner_success");
        put(s, "banner_fail", always, fail, "xinetd's banner (sent to every client, refused ones too), then its banner_fail");
    }

    private static void put(Imported.Service s, String key, Optional<String> always, Optional<String> then, String why) {
        if (always.isEmpty() || then.isEmpty()) {
            var file = always.or(() -> then).orElseThrow();
            s.put(key, "{file: " + Yaml.string(file) + "}", always.isPresent()
                    ? "xinetd's banner: it was sent to every client, refused ones too" : null);
            return;
        }
        try {
            var text = Files.readString(Path.of(always.get()), StandardCharsets.UTF_8)
                    + Files.readString(Path.of(then.get()), StandardCharsets.UTF_8);
            s.put(key, Yaml.text(text), why + ", as the files read at import (" + always.get() + ", " + then.get()
                    + "); jinetd sends one text");
        } catch (IOException | RuntimeException e) {
            s.put(key, "{file: " + Yaml.string(then.get()) + "}");
            s.note(key + ": xinetd sent " + always.get() + " first; it could not be read here ("
                    + e.getMessage() + "), so only " + then.get() + " is sent");
        }
    }

    private static Optional<String> first(Map<String, List<String>> own, Map<String, List<String>> defaults,
                                          String key) {
        var values = own.containsKey(key) ? own.get(key) : defaults.get(key);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.getFirst());
    }
}
