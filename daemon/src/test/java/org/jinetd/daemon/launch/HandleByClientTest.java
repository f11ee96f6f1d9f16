package org.jinetd.daemon.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import org.jinetd.daemon.os.Libc;
import org.junit.jupiter.api.Test;

/** A client that ended the connection under a handler is told apart in the C library's language too. */
class HandleByClientTest {
    /** glibc's EPIPE in German, as the JDK's message gives it to a daemon run with LANG=de_DE.UTF-8. */
    private static final String GERMAN = "Datenübergabe unterbrochen (broken pipe)";

    @Test
    void aBrokenPipeIsToldInTheDaemonsLanguageAndAResetInTheJdksWords() {
        var written = new IOException("Write failed: " + GERMAN);
        assertEquals(Optional.of("closed"), Handle.byClient(written, GERMAN));
        // Wrapped by the handler, as many do.
        assertEquals(Optional.of("closed"), Handle.byClient(new RuntimeException(new UncheckedIOException(written)), GERMAN));
        // Looked for in English alone, the German words were taken for a fault of the handler's.
        assertEquals(Optional.empty(), Handle.byClient(written, "Broken pipe"));
        assertEquals(Optional.of("closed"), Handle.byClient(new IOException("Broken pipe"), GERMAN));
        assertEquals(Optional.of("reset"), Handle.byClient(new IOException("Connection reset"), GERMAN));
        assertEquals(Optional.empty(), Handle.byClient(new IOException("Connection refused"), GERMAN));
        // The daemon's own words for EPIPE are the C library's, as the JDK reads them.
        assertEquals(Optional.of("closed"), Handle.byClient(new IOException("Write failed: " + Libc.describe(32))));
    }
}
