package org.jinetd.daemon.proxy;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An address of a v1 line, read a byte at a time, so that a byte no address can hold is refused as
 * soon as it is seen and the shortest end of a partial address is known. The text is turned into
 * bytes here, never handed to {@link InetAddress#getByName}, which would accept forms the spec does
 * not (and ask DNS for anything else).
 */
sealed interface AddressText permits Ipv4Text, Ipv6Text {
    /** What a byte did to the address. */
    enum Step {
        /** The address may go on. */
        MORE,
        /** The byte was the space after a whole address. */
        END,
        /** No address begins so: see {@link #problem()}. */
        BAD
    }

    /** Takes the next byte of the field, or the space after it. */
    Step feed(int c);

    /** The fewest further bytes that make a whole address, before the space that ends it. */
    int least();

    /** Why the last byte was refused, a phrase that follows the field's name: "has an octet above 255". */
    String problem();

    /** The address, once {@link Step#END} was seen. */
    byte[] bytes();

    /** As {@link InetAddress#getByAddress(byte[])} gives it: a v4-mapped IPv6 address comes out as IPv4. */
    static InetAddress address(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("an address of " + bytes.length + " bytes", e);
        }
    }
}
