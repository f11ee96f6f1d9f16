package org.jinetd.builtin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.jinetd.handler.HandlerProvider;
import org.jinetd.handler.OptionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ProviderTest {

    static Stream<HandlerProvider> providers() {
        return ServiceLoader.load(HandlerProvider.class).stream().map(ServiceLoader.Provider::get);
    }

    @Test
    void serviceLoaderFindsTheFiveBuiltins() {
        var byName = new TreeMap<String, HandlerProvider>();
        providers().forEach(p -> assertEquals(null, byName.put(p.name(), p), "one provider per name"));
        assertEquals(Set.of("chargen", "daytime", "discard", "echo", "time"), byName.keySet());
    }

    @ParameterizedTest
    @MethodSource("providers")
    void servesBothStreamsAndDatagramsWithoutOptions(HandlerProvider provider) throws OptionException {
        assertTrue(provider.stream(Map.of()).isPresent(), provider.name() + " stream");
        assertTrue(provider.datagram(Map.of()).isPresent(), provider.name() + " datagram");
    }

    @ParameterizedTest
    @MethodSource("providers")
    void rejectsTheFirstOptionGivenByName(HandlerProvider provider) {
        var options = new LinkedHashMap<String, String>();
        options.put("bufsize", "512");
        options.put("port", "7");
        for (var kind : new String[] {"stream", "datagram"}) {
            var thrown = assertThrows(OptionException.class, () -> {
                if (kind.equals("stream")) {
                    provider.stream(options);
                } else {
                    provider.datagram(options);
                }
            }, provider.name() + " " + kind);
            assertEquals("bufsize", thrown.option());
            assertEquals("unknown option; " + provider.name() + " takes no options", thrown.getMessage());
        }
    }
}
