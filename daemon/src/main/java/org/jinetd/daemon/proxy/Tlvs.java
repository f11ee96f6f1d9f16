package org.jinetd.daemon.proxy;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;

/**
 * v2 TLVs the daemon uses; each optional. Unknown TLV types are skipped (as the spec says), not kept.
 *
 * @param alpn the application protocol the client agreed with the balancer, such as {@code h2}
 * @param authority the host name the client asked for (its TLS SNI, usually)
 * @param uniqueId the balancer's opaque name for this connection, 1 to 128 bytes
 * @param ssl what the balancer knows of the client's TLS session
 * @param netns the network namespace the balancer received the connection in
 */
public record Tlvs(Optional<String> alpn, Optional<String> authority, Optional<byte[]> uniqueId,
                   Optional<Ssl> ssl, Optional<String> netns) {
    /** No TLV at all: what a v1 line and a bare v2 header carry. */
    public static final Tlvs NONE = new Tlvs(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty());
    /** The spec's bound on PP2_TYPE_UNIQUE_ID. */
    static final int UNIQUE_ID_MAX = 128;

    public Tlvs {
        alpn.ifPresent(TextRule.ALPN::require);
        authority.ifPresent(TextRule.AUTHORITY::require);
        netns.ifPresent(TextRule.NETNS::require);
        Objects.requireNonNull(ssl, "ssl");
        uniqueId = uniqueId.map(byte[]::clone);
        uniqueId.ifPresent(id -> {
            if (id.length == 0 || id.length > UNIQUE_ID_MAX) {
                throw new IllegalArgumentException("UNIQUE_ID of " + id.length + " bytes, not 1 to " + UNIQUE_ID_MAX);
            }
        });
    }

    /** A copy: the record stays as it was read. */
    @Override
    public Optional<byte[]> uniqueId() {
        return uniqueId.map(byte[]::clone);
    }

    /** Two Tlvs are equal when their unique IDs hold the same bytes, not the same array. */
    @Override
    public boolean equals(Object other) {
        return other instanceof Tlvs that && alpn.equals(that.alpn) && authority.equals(that.authority)
                && ssl.equals(that.ssl) && netns.equals(that.netns)
                && uniqueId.isPresent() == that.uniqueId.isPresent()
                && Arrays.equals(uniqueId.orElse(null), that.uniqueId.orElse(null));
    }

    @Override
    public int hashCode() {
        return Objects.hash(alpn, authority, ssl, netns, Arrays.hashCode(uniqueId.orElse(null)));
    }

    /** The unique ID in hex, since it is opaque bytes. */
    @Override
    public String toString() {
        return "Tlvs[alpn=%s, authority=%s, uniqueId=%s, ssl=%s, netns=%s]".formatted(alpn, authority,
                uniqueId.map(HexFormat.of()::formatHex), ssl, netns);
    }
}
