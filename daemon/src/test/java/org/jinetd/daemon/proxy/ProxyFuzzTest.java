package org.jinetd.daemon.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.jinetd.daemon.proxy.ProxyParser.Parsed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A million headers, valid and mangled: bits flipped, cut short, bytes inserted and deleted, TLVs
 * duplicated, lengths off by one, random bytes, valid headers followed by anything (another header
 * included). The parser never throws, a header followed by data is exactly that header, and the
 * daemon's exact reads never take a byte past a header. Seeded, so that a failure can be replayed.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ProxyFuzzTest {
    private static final int ROUNDS = 1_000_000;
    private static final Pattern WHY = Pattern.compile("(v1 |v2 )[ -~]+|not a PROXY header");
    private static final byte[] INTERESTING = " :.\r\n0123456789PROXYTCP46UNKOWabcdef\0\u00ff\u0080".getBytes(
            StandardCharsets.ISO_8859_1);

    /** A valid header, what it says, and the version it is. */
    record Valid(byte[] bytes, ProxyHeader header) {
        Accept own() {
            return header.version() == 1 ? Accept.V1 : Accept.V2;
        }
    }

    @Test
    void noInputMakesTheParserThrowOrReadPastAHeader() throws Exception {
        var random = new SplittableRandom(20261206L);
        var valid = valid(random, 4000);
        long started = System.nanoTime();
        int complete = 0;
        int bad = 0;
        int partial = 0;
        for (int round = 0; round < ROUNDS; round++) {
            var seed = valid.get(random.nextInt(valid.size()));
            var trailing = trailing(random, valid);
            var stream = V2Bytes.concat(seed.bytes(), trailing);
            try {
                switch (round % 8) {
                    case 0, 1 -> exact(seed, stream);
                    case 2 -> {
                        var noise = new byte[random.nextInt(300)];
                        random.nextBytes(noise);
                        if (noise.length > 0 && random.nextBoolean()) {
                            noise[0] = random.nextBoolean() ? (byte) 'P' : (byte) '\r';
                        }
                        if (noise.length > 12 && random.nextBoolean()) {
                            System.arraycopy(V2Bytes.SIGNATURE, 0, noise, 0, 12);
                        }
                        switch (consistent(noise, accept(random), random.nextInt(64) == 0)) {
                            case Parsed.Complete _ -> complete++;
                            case Parsed.Bad _ -> bad++;
                            case Parsed.Partial _ -> partial++;
                        }
                    }
                    default -> {
                        var mangled = mangle(stream, seed.bytes().length, random);
                        switch (consistent(mangled, accept(random), random.nextInt(64) == 0)) {
                            case Parsed.Complete _ -> complete++;
                            case Parsed.Bad _ -> bad++;
                            case Parsed.Partial _ -> partial++;
                        }
                    }
                }
            } catch (RuntimeException | Error e) {
                throw new AssertionError("round " + round + " on " + HexFormat.of().formatHex(stream), e);
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("ProxyFuzzTest: %d rounds in %.1f s (mangled or random: %d complete, %d bad, %d partial)%n",
                ROUNDS, seconds, complete, bad, partial);
        // Mangling must leave some headers whole and break others, or it tests nothing.
        assertTrue(complete > ROUNDS / 100 && bad > ROUNDS / 10 && partial > ROUNDS / 1000,
                complete + " complete, " + bad + " bad, " + partial + " partial");
    }

    /** A valid header followed by anything is exactly that header, through the daemon's reads too. */
    private static void exact(Valid seed, byte[] stream) {
        var expected = new Parsed.Complete(seed.header(), seed.bytes().length);
        for (var accept : List.of(seed.own(), Accept.ANY)) {
            assertEquals(expected, ProxyParser.parse(stream, stream.length, accept));
            assertEquals(expected, Reads.of(stream, accept).last());
        }
        var other = seed.own() == Accept.V1 ? Accept.V2 : Accept.V1;
        assertEquals(new Parsed.Bad(seed.own() == Accept.V1 ? "v1 line on a v2 listener" : "v2 header on a v1 listener"),
                ProxyParser.parse(stream, stream.length, other));
    }

    /**
     * Whatever the bytes, the answer for all of them and the answer the daemon's reads come to
     * agree, and a header found is exactly its first bytes. With {@code prefixes}, every shorter
     * prefix of a header found also promises no byte past it.
     */
    private static Parsed consistent(byte[] bytes, Accept accept, boolean prefixes) {
        var whole = ProxyParser.parse(bytes, bytes.length, accept);
        var read = Reads.of(bytes, accept);
        switch (whole) {
            case Parsed.Complete(var header, int length) -> {
                assertTrue(length <= bytes.length);
                assertEquals(whole, ProxyParser.parse(bytes, length, accept));
                assertEquals(whole, read.last());
                if (prefixes) {
                    for (int cut = 0; cut < length; cut++) {
                        var partial = (Parsed.Partial) ProxyParser.parse(bytes, cut, accept);
                        assertTrue(cut + partial.more() <= length, "cut at " + cut + ": " + partial);
                    }
                }
                assertEquals(header.version() == 1 ? 'P' : '\r', bytes[0]);
            }
            case Parsed.Bad(var why) -> {
                assertTrue(WHY.matcher(why).matches(), why);
                // The reads stop at the same refusal, or wait for more than the bytes hold.
                assertTrue(read.last().equals(whole)
                        || read.last() instanceof Parsed.Partial(int more) && read.consumed() + more > bytes.length,
                        read + " but " + whole);
            }
            case Parsed.Partial(int more) -> {
                assertTrue(read.last() instanceof Parsed.Partial, read.toString());
                assertTrue(more <= (bytes.length == 0 || bytes[0] == 'P' ? 107 : 4096));
            }
        }
        return whole;
    }

    private static Accept accept(SplittableRandom random) {
        return Accept.values()[random.nextInt(3)];
    }

    private static byte[] trailing(SplittableRandom random, List<Valid> valid) {
        return switch (random.nextInt(5)) {
            case 0 -> new byte[0];
            case 1 -> valid.get(random.nextInt(valid.size())).bytes(); // a second header is data, not read
            case 2 -> "\r\n\r\nGET / HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII);
            default -> {
                var bytes = new byte[1 + random.nextInt(64)];
                random.nextBytes(bytes);
                yield bytes;
            }
        };
    }

    private static byte[] mangle(byte[] stream, int headerLength, SplittableRandom random) {
        var bytes = stream;
        int edits = 1 + random.nextInt(3);
        for (int i = 0; i < edits; i++) {
            if (bytes.length == 0) {
                break;
            }
            // Mostly within the header, where the parser looks.
            int at = random.nextInt(Math.min(bytes.length, headerLength + 2));
            bytes = switch (random.nextInt(8)) {
                case 0 -> {
                    var copy = bytes.clone();
                    copy[at] ^= (byte) (1 << random.nextInt(8));
                    yield copy;
                }
                case 1 -> {
                    var copy = bytes.clone();
                    copy[at] = INTERESTING[random.nextInt(INTERESTING.length)];
                    yield copy;
                }
                case 2 -> Arrays.copyOf(bytes, at);
                case 3 -> {
                    var inserted = new byte[1 + random.nextInt(4)];
                    for (int j = 0; j < inserted.length; j++) {
                        inserted[j] = INTERESTING[random.nextInt(INTERESTING.length)];
                    }
                    yield V2Bytes.concat(Arrays.copyOf(bytes, at), inserted, Arrays.copyOfRange(bytes, at, bytes.length));
                }
                case 4 -> V2Bytes.concat(Arrays.copyOf(bytes, at),
                        Arrays.copyOfRange(bytes, Math.min(bytes.length, at + 1 + random.nextInt(8)), bytes.length));
                case 5 -> length(bytes, random);
                case 6 -> duplicateTlv(bytes, random);
                default -> {
                    var copy = bytes.clone();
                    copy[at] = (byte) random.nextInt(256);
                    yield copy;
                }
            };
        }
        return bytes;
    }

    /** The v2 length off by one either way, or anything. */
    private static byte[] length(byte[] bytes, SplittableRandom random) {
        if (bytes.length < 16 || bytes[0] != '\r') {
            return bytes;
        }
        var copy = bytes.clone();
        int length = (copy[14] & 0xff) << 8 | copy[15] & 0xff;
        length = switch (random.nextInt(3)) {
            case 0 -> length + 1;
            case 1 -> length - 1;
            default -> random.nextInt(65536);
        };
        copy[14] = (byte) (length >> 8);
        copy[15] = (byte) length;
        return copy;
    }

    /** One of the header's TLVs twice over, the length grown to match: refused when its type is one read. */
    private static byte[] duplicateTlv(byte[] bytes, SplittableRandom random) {
        if (bytes.length < 16 || bytes[0] != '\r') {
            return bytes;
        }
        int end = 16 + ((bytes[14] & 0xff) << 8 | bytes[15] & 0xff);
        int at = 16 + switch ((bytes[13] & 0xf0) >> 4) {
            case 1 -> 12;
            case 2 -> 36;
            case 3 -> 216;
            default -> 0;
        };
        var starts = new ArrayList<int[]>();
        while (at + 3 <= Math.min(end, bytes.length)) {
            int next = at + 3 + ((bytes[at + 1] & 0xff) << 8 | bytes[at + 2] & 0xff);
            if (next > Math.min(end, bytes.length)) {
                break;
            }
            starts.add(new int[] {at, next});
            at = next;
        }
        if (starts.isEmpty()) {
            return bytes;
        }
        var tlv = starts.get(random.nextInt(starts.size()));
        var copy = V2Bytes.concat(Arrays.copyOf(bytes, tlv[1]), Arrays.copyOfRange(bytes, tlv[0], tlv[1]),
                Arrays.copyOfRange(bytes, tlv[1], bytes.length));
        int length = end - 16 + tlv[1] - tlv[0];
        copy[14] = (byte) (length >> 8);
        copy[15] = (byte) length;
        return copy;
    }

    /** Headers of every kind, each with what it says. */
    private static List<Valid> valid(SplittableRandom random, int count) throws Exception {
        var valid = new ArrayList<Valid>();
        var fixtures = HexFormat.of();
        for (var hex : List.of(HaproxyBytesTest.TLS, HaproxyBytesTest.MIXED, HaproxyBytesTest.UNKNOWN_CLIENT,
                HaproxyBytesTest.HEALTH_CHECK)) {
            valid.add(known(fixtures.parseHex(hex)));
        }
        valid.add(known(HaproxyBytesTest.V1_TCP6.getBytes(StandardCharsets.US_ASCII)));
        var path = "/run/haproxy.sock".getBytes(StandardCharsets.US_ASCII);
        valid.add(known(V2Bytes.header(0x21, 0x31, V2Bytes.unix(path, path), V2Bytes.tlv(0xe0, "x"),
                V2Bytes.tlv(0x04, new byte[3]))));
        valid.add(known(V2Bytes.header(0x20, 0x21, V2Bytes.ipv6(), V2Bytes.tlv(0x02, "example.org"))));
        valid.add(known(V2Bytes.header(0x21, 0x02, V2Bytes.tlv(0x30, "blue"))));
        while (valid.size() < count) {
            var source = new InetSocketAddress(RoundTripTest.address(random), random.nextInt(65536));
            var destination = new InetSocketAddress(RoundTripTest.address(random), random.nextInt(65536));
            switch (random.nextInt(4)) {
                case 0 -> valid.add(known(ProxyWriter.v1(source, destination)));
                case 1 -> valid.add(known(ProxyWriter.v2(source, destination, RoundTripTest.tlvs(random),
                        random.nextBoolean())));
                case 2 -> {
                    // IPv6 written any way the spec allows, or an UNKNOWN line with anything after it.
                    var a = new byte[16];
                    var b = new byte[16];
                    random.nextBytes(a);
                    random.nextBytes(b);
                    Arrays.fill(a, 0, random.nextInt(17), (byte) 0);
                    Arrays.fill(b, random.nextInt(17), 16, (byte) 0);
                    var line = "PROXY TCP6 %s %s %d %d\r\n".formatted(Ipv6TextTest.write(a, random),
                            Ipv6TextTest.write(b, random), source.getPort(), destination.getPort());
                    if (line.length() <= 107) {
                        var header = new ProxyHeader.Inet(1, new InetSocketAddress(InetAddress.getByAddress(a),
                                source.getPort()), new InetSocketAddress(InetAddress.getByAddress(b),
                                destination.getPort()), Tlvs.NONE);
                        valid.add(new Valid(line.getBytes(StandardCharsets.US_ASCII), header));
                    }
                }
                default -> {
                    var rest = new StringBuilder();
                    int length = random.nextInt(92); // 107 bytes at most: 14 + 91 + CRLF
                    for (int i = 0; i < length; i++) {
                        rest.append((char) random.nextInt(0x20, 0x7f));
                    }
                    var line = (length == 0 ? "PROXY UNKNOWN" : "PROXY UNKNOWN " + rest) + "\r\n";
                    valid.add(new Valid(line.getBytes(StandardCharsets.US_ASCII), new ProxyHeader.Unknown(1, Tlvs.NONE)));
                }
            }
        }
        return valid;
    }

    /** A header whose meaning is checked elsewhere: what the parser says it is. */
    private static Valid known(byte[] bytes) {
        var parsed = (Parsed.Complete) ProxyParser.parse(bytes, bytes.length, Accept.ANY);
        assertEquals(bytes.length, parsed.length());
        return new Valid(bytes, parsed.header());
    }
}
