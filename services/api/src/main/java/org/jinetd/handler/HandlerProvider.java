package org.jinetd.handler;

import java.util.Map;
import java.util.Optional;

/**
 * Makes handlers of one name, found with {@link java.util.ServiceLoader}: list the class in
 * {@code META-INF/services/org.jinetd.handler.HandlerProvider}. A service that says
 * {@code handler: NAME} gets its handler from the provider of that name, once, when the
 * table is loaded; {@code options} are the service's {@code options:} map, values as text.
 *
 * <p>A provider checks its options and throws {@link OptionException} naming the bad one;
 * {@code jinetd check} shows the message at that option's line and column. A provider
 * that serves only one kind of socket leaves the other method as it is.
 */
public interface HandlerProvider {
    /** {@return the name services use in {@code handler:}} */
    String name();

    /**
     * A handler for stream services (TCP, unix). jinetd asks {@link #reply} first, and this
     * method only when that is empty.
     *
     * <p>By default, the handler of {@link #reply}: a provider of replies serves streams
     * wherever a stream handler is asked for. A {@link ReplyHandler} returned from here is
     * served as any stream handler, on a virtual thread of its own; only one from
     * {@link #reply} is answered at accept.
     *
     * @param options the service's {@code options:}, values as text
     * @return the handler, or empty if this name has none for streams
     * @throws OptionException naming the option that is missing, unknown or bad
     */
    default Optional<StreamHandler> stream(Map<String, String> options) throws OptionException {
        return reply(options).map(StreamHandler.class::cast);
    }

    /**
     * A handler for stream services whose whole answer is known at accept and which read
     * nothing (daytime, time, a greeting). jinetd asks this first for a stream service; when
     * it gives a handler, the service is answered at accept on the listener's own thread, as
     * {@link ReplyHandler} describes, and {@link #stream} is not asked. The answer does not
     * depend on how the handler is written (a lambda, a class): declaring it here is what
     * counts.
     *
     * @param options the service's {@code options:}, values as text
     * @return the handler, or empty (the default) if this name answers streams through
     *         {@link #stream} instead
     * @throws OptionException naming the option that is missing, unknown or bad
     */
    default Optional<ReplyHandler> reply(Map<String, String> options) throws OptionException {
        return Optional.empty();
    }

    /**
     * Whether the handler {@link #stream} gives for these options writes before its client
     * has sent anything: a greeting, a banner, a stream of characters as chargen's. jinetd
     * then warns where {@code defer_accept} would keep its clients waiting, since the kernel
     * hands such a connection over only once its client has sent a byte. Asked once, after
     * {@link #stream} gave a handler; a handler of {@link #reply} speaks first by definition
     * and is not asked about.
     *
     * @param options the service's {@code options:}, values as text
     * @return true if the handler speaks first; false (the default) if it waits for its client
     */
    default boolean speaksFirst(Map<String, String> options) {
        return false;
    }

    /**
     * A handler for datagram services (UDP).
     *
     * @param options the service's {@code options:}, values as text
     * @return the handler, or empty if this name has none for datagrams
     * @throws OptionException naming the option that is missing, unknown or bad
     */
    default Optional<DatagramHandler> datagram(Map<String, String> options) throws OptionException {
        return Optional.empty();
    }
}
