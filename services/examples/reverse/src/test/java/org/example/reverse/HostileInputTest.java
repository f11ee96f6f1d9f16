package org.example.reverse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.util.Map;
import org.jinetd.handler.OptionException;
import org.jinetd.handler.testkit.MemoryConnection;
import org.junit.jupiter.api.Test;

/** What a careless table or a hostile client can send: each gets a clear error and a bound. */
class HostileInputTest {
    @Test
    void aLineLongerThanTheLimitEndsTheConnectionAndHoldsNoMore() {
        var connection = MemoryConnection.of("ok\n" + "x".repeat(Reverse.MOST_CHARS + 1) + "\n");
        var thrown = assertThrows(IOException.class, () -> new Reverse("").handle(connection));
        assertEquals("a line longer than 4096 characters", thrown.getMessage());
        assertEquals("ko\n", connection.writtenText(), "the lines before it were answered");
    }

    @Test
    void aLineAtTheLimitIsAnswered() throws IOException {
        var connection = MemoryConnection.of("y".repeat(Reverse.MOST_CHARS) + "\n").mostPerRead(7);
        new Reverse("").handle(connection);
        assertEquals("y".repeat(Reverse.MOST_CHARS) + "\n", connection.writtenText());
    }

    @Test
    void unknownOptionsAndALineEndInTheSuffixAreRefusedByName() {
        var provider = new ReverseProvider();
        assertEquals("sufix", assertThrows(OptionException.class, () -> provider.stream(Map.of("sufix", "!"))).option());
        var thrown = assertThrows(OptionException.class, () -> provider.stream(Map.of("suffix", "!\n")));
        assertEquals("suffix", thrown.option());
        assertEquals("must not contain a line end", thrown.getMessage());
    }
}
