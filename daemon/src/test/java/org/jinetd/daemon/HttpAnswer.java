package org.jinetd.daemon;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.jinetd.handler.Connection;
import org.jinetd.handler.HandlerProvider;
import org.jinetd.handler.StreamHandler;

/**
 * A minimal HTTP/1.0 server for tests, {@code handler: http}: it reads a request's head (at
 * most 8 KiB), answers 200 with a plain-text body of what the connection's TLS session says,
 * one {@code key=value} a line, and returns. A client such as curl can read it whole.
 */
public final class HttpAnswer implements HandlerProvider {
    private static final int HEAD = 8192;

    @Override
    public String name() {
        return "http";
    }

    @Override
    public Optional<StreamHandler> stream(Map<String, String> options) {
        return Optional.of(HttpAnswer::answer);
    }

    /** What a handler learns of its client's TLS session, as the body says it. */
    static String facts(Connection c) {
        var body = new StringBuilder();
        c.tls().ifPresentOrElse(tls -> {
            body.append("protocol=").append(tls.protocol()).append('\n');
            body.append("cipher=").append(tls.cipherSuite()).append('\n');
            body.append("sni=").append(tls.serverName().orElse("-")).append('\n');
            body.append("alpn=").append(tls.applicationProtocol().orElse("-")).append('\n');
            body.append("client=").append(tls.clientCertificates().isEmpty() ? "-"
                    : tls.clientCertificates().getFirst().getSubjectX500Principal().getName()).append('\n');
            body.append("chain=").append(tls.clientCertificates().size()).append('\n');
        }, () -> body.append("plain\n"));
        body.append("peer=").append(c.peer()).append('\n');
        body.append("via=").append(c.via().map(String::valueOf).orElse("-")).append('\n');
        return body.toString();
    }

    private static void answer(Connection c) throws IOException {
        var head = ByteBuffer.allocate(HEAD);
        while (!ended(head)) {
            if (!head.hasRemaining() || c.channel().read(head) < 0) {
                return;
            }
        }
        var body = facts(c).getBytes(StandardCharsets.UTF_8);
        var reply = ("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + body.length
                + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        var out = ByteBuffer.allocate(reply.length + body.length).put(reply).put(body).flip();
        while (out.hasRemaining()) {
            c.channel().write(out);
        }
    }

    /** Whether the head read so far ends with its empty line. */
    private static boolean ended(ByteBuffer head) {
        var text = new String(head.array(), 0, head.position(), StandardCharsets.ISO_8859_1);
        return text.contains("\r\n\r\n") || text.contains("\n\n");
    }
}
