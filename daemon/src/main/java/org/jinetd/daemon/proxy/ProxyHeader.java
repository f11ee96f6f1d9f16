package org.jinetd.daemon.proxy;

import java.net.InetSocketAddress;
import java.util.Objects;

/** What a PROXY header says. */
public sealed interface ProxyHeader {
    /** 1 for the text line, 2 for the binary header. */
    int version();

    /** What the binary header carried besides the addresses; {@link Tlvs#NONE} for a text line. */
    Tlvs tlvs();

    /** v2 LOCAL (a health check from the balancer itself): the connection's own endpoints stand. */
    record Local(int version, Tlvs tlvs) implements ProxyHeader {
        public Local {
            if (version != 2) {
                throw new IllegalArgumentException("LOCAL exists in version 2 only");
            }
            Objects.requireNonNull(tlvs, "tlvs");
        }
    }

    /** v1 UNKNOWN, v2 PROXY with AF_UNSPEC: a relayed connection whose client is not known; own endpoints stand. */
    record Unknown(int version, Tlvs tlvs) implements ProxyHeader {
        public Unknown {
            check(version, tlvs);
        }
    }

    /** TCP over IPv4 or IPv6 (v1 TCP4/TCP6, v2 AF_INET/AF_INET6 + STREAM): the real client and what it reached. */
    record Inet(int version, InetSocketAddress source, InetSocketAddress destination, Tlvs tlvs) implements ProxyHeader {
        public Inet {
            check(version, tlvs);
            for (var address : new InetSocketAddress[] {source, destination}) {
                if (Objects.requireNonNull(address, "address").isUnresolved()) {
                    // A header carries numbers; a name here would mean someone asked DNS.
                    throw new IllegalArgumentException("unresolved address " + address.getHostString());
                }
            }
        }
    }

    /** v2 AF_UNIX (+STREAM): the relayed client's and server's socket paths (up to 108 bytes each, NUL-trimmed). */
    record Unix(int version, String source, String destination, Tlvs tlvs) implements ProxyHeader {
        public Unix {
            if (version != 2) {
                throw new IllegalArgumentException("AF_UNIX exists in version 2 only");
            }
            Objects.requireNonNull(tlvs, "tlvs");
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(destination, "destination");
        }
    }

    private static void check(int version, Tlvs tlvs) {
        Objects.requireNonNull(tlvs, "tlvs");
        if (version != 1 && version != 2) {
            throw new IllegalArgumentException("version " + version + " is neither 1 nor 2");
        }
        if (version == 1 && !tlvs.equals(Tlvs.NONE)) {
            throw new IllegalArgumentException("a version 1 line carries no TLVs");
        }
    }
}
