package org.jinetd.daemon.tls;

import java.nio.ByteBuffer;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;

/** ClientHellos as clients send them: the JDK's own, and old ones made by hand that no client of today sends. */
public final class ClientHellos {
    private ClientHellos() {}

    /** The first record a JDK client sends, with these protocols and this SNI name. */
    public static byte[] jdkHello(String host, String... protocols) throws Exception {
        var engine = SSLContext.getDefault().createSSLEngine();
        engine.setUseClientMode(true);
        var parameters = engine.getSSLParameters();
        parameters.setProtocols(protocols);
        if (host != null) {
            parameters.setServerNames(List.of(new SNIHostName(host)));
        }
        engine.setSSLParameters(parameters);
        var out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        engine.wrap(ByteBuffer.allocate(0), out);
        out.flip();
        var bytes = new byte[out.remaining()];
        out.get(bytes);
        return bytes;
    }

    /** An SSLv3 ClientHello, as clients of the 1990s sent it: no extensions. */
    public static byte[] sslv3Hello() {
        return oldHello(0x0300);
    }

    /** A hello of {@code version} (TLS 1.0 is 0x0301) without supported_versions. */
    public static byte[] oldHello(int version) {
        var body = ByteBuffer.allocate(64);
        body.putShort((short) version).put(new byte[32]).put((byte) 0)
                .putShort((short) 4).putShort((short) 0x002f).putShort((short) 0x0035).put((byte) 1).put((byte) 0);
        body.flip();
        var record = ByteBuffer.allocate(9 + body.remaining());
        record.put((byte) 0x16).putShort((short) Math.min(version, 0x0301)).putShort((short) (4 + body.remaining()))
                .put((byte) 1).put((byte) 0).putShort((short) body.remaining()).put(body);
        return record.array();
    }

    /** SSLv2's CLIENT-HELLO, offering SSLv3 in SSLv2's framing. */
    public static byte[] sslv2Hello() {
        var hello = ByteBuffer.allocate(30);
        hello.put((byte) 0x80).put((byte) 28).put((byte) 1).putShort((short) 0x0300).putShort((short) 3)
                .putShort((short) 0).putShort((short) 16).put(new byte[] {1, 0, (byte) 0x80}).put(new byte[16]);
        return hello.array();
    }
}
