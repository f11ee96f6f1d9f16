package org.jinetd.builtin;

import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jinetd.handler.DatagramHandler;
import org.jinetd.handler.HandlerProvider;
import org.jinetd.handler.OptionException;
import org.jinetd.handler.ReplyHandler;

/**
 * time (RFC 868): four bytes, the seconds since 1900-01-01T00:00Z as an unsigned 32-bit
 * big-endian number, then close. Over UDP, the same four bytes answer any datagram, not
 * only the empty one RFC 868 asks clients to send.
 */
public final class Time implements HandlerProvider {
    /** From 1900-01-01T00:00Z, where RFC 868 counts from, to the Unix epoch. */
    static final long SECONDS_1900_TO_1970 = 2_208_988_800L;

    private final Clock clock;

    public Time() {
        this(Clock.systemUTC());
    }

    /** For tests that need a known instant. */
    Time(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public String name() {
        return "time";
    }

    /** Known at accept: answered on the listener's thread ({@code stream} gives the same handler). */
    @Override
    public Optional<ReplyHandler> reply(Map<String, String> options) throws OptionException {
        NoOptions.check(name(), options);
        return Optional.of(connection -> stamp());
    }

    @Override
    public Optional<DatagramHandler> datagram(Map<String, String> options) throws OptionException {
        NoOptions.check(name(), options);
        return Optional.of(datagram -> datagram.reply(stamp()));
    }

    private ByteBuffer stamp() {
        long seconds = clock.instant().getEpochSecond() + SECONDS_1900_TO_1970;
        // The cast keeps the low 32 bits: the count wraps in February 2036, as 32 bits must,
        // and clients that know the era still read it right.
        return ByteBuffer.allocate(Integer.BYTES).putInt(0, (int) seconds);
    }
}
