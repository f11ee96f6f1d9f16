package org.jinetd.builtin;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jinetd.handler.DatagramHandler;
import org.jinetd.handler.HandlerProvider;
import org.jinetd.handler.OptionException;
import org.jinetd.handler.ReplyHandler;

/**
 * daytime (RFC 867): one line with the date and time, then close. The line has the form
 * RFC 867 suggests, {@code Weekday, Month Day, Year HH:MM:SS-Zone}, for example
 * {@code Thursday, November 26, 2026 05:43:16-UTC}, in the system's default time zone,
 * and ends in CR LF.
 */
public final class Daytime implements HandlerProvider {
    // English names and ASCII digits whatever the host's locale: clients parse this line.
    private static final DateTimeFormatter FORMAT =
            DateTimeFormatter.ofPattern("EEEE, MMMM d, uuuu HH:mm:ss-zzz", Locale.US);

    private final Clock clock;
    /** The line of the current second: it changes once a second, connections come far more often. */
    private volatile Line current = new Line(Long.MIN_VALUE, new byte[0]);

    private record Line(long second, byte[] bytes) {}

    public Daytime() {
        this(Clock.systemDefaultZone());
    }

    /** For tests that need a known instant or zone. */
    Daytime(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public String name() {
        return "daytime";
    }

    /** Known at accept: answered on the listener's thread ({@code stream} gives the same handler). */
    @Override
    public Optional<ReplyHandler> reply(Map<String, String> options) throws OptionException {
        NoOptions.check(name(), options);
        return Optional.of(connection -> line());
    }

    @Override
    public Optional<DatagramHandler> datagram(Map<String, String> options) throws OptionException {
        NoOptions.check(name(), options);
        return Optional.of(datagram -> datagram.reply(line()));
    }

    private ByteBuffer line() {
        var now = clock.instant();
        var line = current;
        if (line.second() != now.getEpochSecond()) {
            var text = FORMAT.format(ZonedDateTime.ofInstant(now, clock.getZone())) + "\r\n";
            line = new Line(now.getEpochSecond(), text.getBytes(StandardCharsets.US_ASCII));
            current = line;
        }
        return ByteBuffer.wrap(line.bytes()).asReadOnlyBuffer();
    }
}
