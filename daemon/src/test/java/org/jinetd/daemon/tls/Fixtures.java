package org.jinetd.daemon.tls;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import org.jinetd.daemon.TlsClients;
import org.jinetd.daemon.config.Config;
import org.jinetd.daemon.config.Loaded;
import org.jinetd.daemon.config.Tls;

/** Settings read from a real table, and the JDK's own clients for them. */
final class Fixtures {
    private Fixtures() {}

    /** The {@code tls:} of a table whose one service has {@code body} (YAML lines) under it. */
    static Tls tls(Path dir, String body) throws IOException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        var file = Files.createTempFile(dir, "services", ".yaml");
        Files.writeString(file, "services:\n  s:\n    bind: 127.0.0.1\n    port: 7443\n    handler: echo\n    tls:\n"
                + body.indent(6));
        var loaded = Config.load(file);
        return assertInstanceOf(Loaded.Ok.class, loaded, loaded::toString).table().service("s").orElseThrow()
                .tls().orElseThrow();
    }

    static X509Certificate certificate(Path pem) throws IOException {
        return TlsClients.certificate(pem);
    }

    /** A client context that trusts these certificates alone, and shows {@code keys} if asked. */
    static SSLContext client(KeyManager[] keys, Path... trusted) throws IOException {
        return TlsClients.showing(keys, trusted);
    }

    static SSLContext client(Path... trusted) throws IOException {
        return client(null, trusted);
    }
}
