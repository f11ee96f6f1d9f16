package org.jinetd.daemon.convert;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Random and mutated inetd.conf and xinetd.conf files, for the tests that import them: real
 * lines with YAML syntax, line breaks of every kind, controls, bidi overrides, numbers YAML
 * reads its own way, words too long for a key and malformed fields put into them.
 */
public final class OldTables {
    /** Text that means something to YAML, to an editor, or to a number parser. */
    static final List<String> PIECES = List.of("\u2028", "\u2029", "\u0085", "\r", "\r\n", "\n", "\u0000", "\u0001",
            "\u001b[31m", "\u007f", "\u009b", "\u202e", "\u2066", "\u200b", "\ufeff", "\u00a0", "\u3000", "\t", " ",
            "\ue000", "\ufffe", "\uffff", "\ud83d\ude00", "\u0663\u0662", "#", " #", ":", ": ", "{", "}", "[", "]", ",",
            "'", "\"", "\\", "\\u2028", "&a ", "*a", "!!binary ", "---", "...", "- ", "? ", "%YAML ", "@", "`", "|", ">",
            "defaults: {env: {LD_PRELOAD: /dev/shm/x.so}}", "\u2028defaults: {env: {LD_PRELOAD: /dev/shm/x.so}}",
            "\u2028services: {x: {user: root}}", "env:", "LD_PRELOAD=/x.so", "0x1F", ".inf", ".5", "-.5", "1_000", "0777",
            "0", "-1", "+5", "99999999999999999999", "2147483648", "y", "yes", "No", "null", "~", "true", "on", "-",
            "nowait.", "nowait.x", "wait.0x10", "nowait.-3", ".0200", "tcp6", "udp4", "unix", "rpc/tcp", "internal", "/",
            "//", "/bin/", "UNLIMITED", "unlimited", "=", "+=", "-=", "{", "}", "service", "defaults", "include",
            "K".repeat(1100));

    private static final List<String> INETD = List.of(
            "echo\tstream\ttcp\tnowait\troot\tinternal",
            "echo dgram udp wait root internal",
            "daytime stream tcp6 nowait root internal",
            "tftp dgram udp wait root /usr/sbin/in.tftpd in.tftpd --secure /srv/tftp",
            "127.0.0.1:9999 stream tcp nowait nobody /bin/cat cat",
            "*:7100 stream tcp nowait.200 nobody:nogroup /bin/echo echo hello",
            "/run/x.sock stream unix nowait root /bin/cat cat",
            "rstatd/1-3 dgram rpc/udp wait root /usr/sbin/rpc.rstatd rpc.rstatd",
            "7101 stream tcp4 nowait.0x10 nobody.nogroup.staff /bin/sh sh -c id",
            "chargen stream sctp nowait root internal",
            "finger stream tcp nowait nobody /usr/sbin/tcpd in.fingerd",
            "echo stream tcp nowait.x root internal",
            "# a comment",
            "");

    /** xinetd attributes, each with values it takes (and some it does not). */
    private static final List<List<String>> ATTRIBUTES = List.of(
            List.of("socket_type", "stream", "dgram", "raw"),
            List.of("protocol", "tcp", "udp"),
            List.of("wait", "no", "yes"),
            List.of("user", "root", "nobody"),
            List.of("group", "nogroup"),
            List.of("server", "/bin/echo", "/usr/sbin/tcpd", "/bin/cat", "/"),
            List.of("server_args", "hello world", "in.fingerd -w", "/bin/echo hi"),
            List.of("instances", "5", "UNLIMITED", "0", "x"),
            List.of("per_source", "3", "UNLIMITED"),
            List.of("cps", "25 30", "0 0", "7", "x 10"),
            List.of("port", "7100", "7013", "70000", "echo"),
            List.of("bind", "127.0.0.1", "::1"),
            List.of("interface", "127.0.0.1"),
            List.of("only_from", "127.0.0.1 10.0.0.0/8 localhost .example.com 10.1.{2,3} 192.168.1. 0.0.0.0", ""),
            List.of("no_access", "127.0.0.2 10.0.0.0/+8", ""),
            List.of("type", "INTERNAL", "UNLISTED"),
            List.of("flags", "NAMEINARGS IPv4 NODELAY KEEPALIVE REUSE", "SENSOR"),
            List.of("env", "A=1 B=two", "LD_PRELOAD=/x.so", "novalue"),
            List.of("nice", "10", "-5", "ten"),
            List.of("umask", "022"),
            List.of("rlimit_as", "8M", "UNLIMITED"),
            List.of("rlimit_cpu", "10"),
            List.of("rlimit_files", "64"),
            List.of("redirect", "127.0.0.1 7000", "127.0.0.1"),
            List.of("banner", "B1", "/nonexistent/banner"),
            List.of("banner_success", "B2"),
            List.of("banner_fail", "B1", "B2"),
            List.of("disable", "yes", "no"),
            List.of("log_on_success", "HOST PID"),
            List.of("access_times", "2:00-8:59"),
            List.of("id", "echo-stream"),
            List.of("v6only", "yes"),
            List.of("enabled", "echo hello"),
            List.of("disabled", "tftp"));
    private static final List<String> NAMES = List.of("echo", "hello", "daytime", "tftp", "finger", "time");

    private final List<String> banners;
    private final boolean mutateAddresses;

    /**
     * @param first a banner file, with text that no comment may show raw
     * @param second another
     * @param mutateAddresses whether only_from and no_access are mutated too: a mutated word
     *        may be a host name, which an import that resolves names asks DNS about
     */
    public OldTables(Path first, Path second, boolean mutateAddresses) {
        this.banners = List.of(first.toString(), second.toString());
        this.mutateAddresses = mutateAddresses;
    }

    /** An inetd.conf of a few lines, real or mutated, or noise. */
    public String inetd(SplittableRandom random) {
        var text = new StringBuilder();
        int lines = 1 + random.nextInt(6);
        for (int i = 0; i < lines; i++) {
            var line = random.nextInt(8) == 0 ? noise(random) : INETD.get(random.nextInt(INETD.size()));
            text.append(random.nextInt(10) < 7 ? mutate(line, random) : line).append('\n');
        }
        return text.toString();
    }

    /** An xinetd.conf: maybe defaults, a few services with attributes, some lines mutated. */
    public String xinetd(SplittableRandom random) {
        var text = new StringBuilder();
        if (random.nextBoolean()) {
            text.append(block("defaults", random));
        }
        int services = 1 + random.nextInt(4);
        for (int i = 0; i < services; i++) {
            var name = NAMES.get(random.nextInt(NAMES.size()));
            text.append(block("service " + (random.nextInt(6) == 0 ? mutate(name, random) : name), random));
        }
        return text.toString();
    }

    private String block(String head, SplittableRandom random) {
        var lines = new ArrayList<String>();
        lines.add(head);
        lines.add("{");
        int attributes = random.nextInt(10);
        for (int i = 0; i < attributes; i++) {
            var attribute = ATTRIBUTES.get(random.nextInt(ATTRIBUTES.size()));
            var value = attribute.get(1 + random.nextInt(attribute.size() - 1));
            value = value.replace("B1", banners.get(0)).replace("B2", banners.get(1));
            var op = random.nextInt(5) == 0 ? (random.nextBoolean() ? "+=" : "-=") : "=";
            var line = "    " + attribute.getFirst() + " " + op + " " + value;
            boolean address = attribute.getFirst().equals("only_from") || attribute.getFirst().equals("no_access");
            lines.add(random.nextInt(4) == 0 && (mutateAddresses || !address) ? mutate(line, random) : line);
        }
        lines.add("}");
        return String.join("\n", lines) + "\n";
    }

    private static String mutate(String line, SplittableRandom random) {
        var text = new StringBuilder(line);
        int edits = 1 + random.nextInt(3);
        for (int i = 0; i < edits; i++) {
            int at = random.nextInt(text.length() + 1);
            var piece = PIECES.get(random.nextInt(PIECES.size()));
            switch (random.nextInt(4)) {
                case 0, 1 -> text.insert(at, piece);
                case 2 -> text.replace(at, Math.min(text.length(), at + 1 + random.nextInt(6)), piece);
                default -> text.delete(at, Math.min(text.length(), at + 1 + random.nextInt(4)));
            }
        }
        return text.toString();
    }

    /** Code points from everywhere, with pieces among them. */
    private static String noise(SplittableRandom random) {
        var text = new StringBuilder();
        int parts = random.nextInt(30);
        for (int i = 0; i < parts; i++) {
            if (random.nextInt(3) == 0) {
                text.append(PIECES.get(random.nextInt(PIECES.size())));
            } else {
                int c = random.nextInt(0, 0x30000);
                text.appendCodePoint(Character.isSurrogate((char) c) && c <= 0xffff ? ' ' : c);
            }
        }
        return text.toString();
    }
}
