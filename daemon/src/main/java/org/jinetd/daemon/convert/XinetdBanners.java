package org.jinetd.daemon.convert;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jinetd.daemon.config.SmallFile;

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
        put(s, "banner", always, success, "xinetd's banner, then its banner_success");
        put(s, "banner_fail", always, fail, "xinetd's banner (sent to every client, refused ones too), then its banner_fail");
    }

    private static void put(Imported.Service s, String key, Optional<String> always, Optional<String> then, String why) {
        if (always.isEmpty() && then.isEmpty()) {
            return;
        }
        if (always.isEmpty() || then.isEmpty()) {
            var file = always.or(() -> then).orElseThrow();
            s.put(key, Value.entries("file", Value.text(file)), always.isPresent()
                    ? "xinetd's banner: it was sent to every client, refused ones too" : null);
            return;
        }
        try {
            var text = read(always.get()) + read(then.get());
            s.put(key, Value.text(text), why + ", as the files read at import (" + always.get() + ", " + then.get()
                    + "); jinetd sends one text");
        } catch (IOException | RuntimeException e) {
            s.put(key, Value.entries("file", Value.text(then.get())));
            s.note(key + ": xinetd sent " + always.get() + " first; it could not be read here ("
                    + e.getMessage() + "), so only " + then.get() + " is sent");
        }
    }

    /**
     * A banner file, as jinetd reads one: a regular file of at most 64 KiB, with a deadline
     * (a FIFO or /dev/zero would never end), in UTF-8.
     */
    private static String read(String file) throws IOException {
        var bytes = SmallFile.read(Path.of(file), SmallFile.BANNER_CAP);
        return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
    }

    private static Optional<String> first(Map<String, List<String>> own, Map<String, List<String>> defaults,
                                          String key) {
        var values = own.containsKey(key) ? own.get(key) : defaults.get(key);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.getFirst());
    }
}
