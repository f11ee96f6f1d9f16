package org.jinetd.handler.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jinetd.handler.DatagramHandler;
import org.jinetd.handler.HandlerProvider;
import org.jinetd.handler.OptionException;
import org.jinetd.handler.ReplyHandler;
import org.jinetd.handler.StreamHandler;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A handler served on a loopback port (127.0.0.1, a free port) the way jinetd serves it, as
 * a JUnit 5 extension: register it, and each test gets a connected {@link Client} (for a
 * stream handler) or {@link DatagramClient} (for a datagram handler) as a parameter.
 * {@snippet :
 * class ReverseTest {
 *     @RegisterExtension
 *     static final Served served = Served.stream(new ReverseProvider(), Map.of("suffix", "!"));
 *
 *     @Test
 *     void reversesEachLine(Client client) {
 *         assertEquals("olleh!", client.send("hello\n").line());
 *     }
 * }
 * }
 *
 * <p><b>As the daemon serves.</b> A provider is asked for its handler with the options, as
 * the daemon asks when it loads its table, so an {@link OptionException} fails the tests
 * there. Each connection's {@code handle} runs on a virtual thread of its own, and the
 * connection is closed when it returns or throws; a {@link ReplyHandler}'s {@code reply} is
 * called on the accepting thread, its bytes written, and the connection closed. Each
 * datagram's {@code handle} runs on a virtual thread of its own, and
 * {@link org.jinetd.handler.Datagram#reply} answers its sender from the service's socket.
 * The handler's {@link org.jinetd.handler.Connection#channel()} is a plain
 * {@link java.nio.channels.ByteChannel}, as in the daemon.
 *
 * <p><b>Nothing vanishes.</b> After each test the kit closes that test's clients, waits
 * for every handler run to end, and fails the test if one threw (other than a reset or
 * broken pipe from a client that left, which the daemon does not count against a handler
 * either), or was still running at the deadline (its stack trace shows where; it is then
 * closed and interrupted, as the daemon's stop does). A test that expects a handler to
 * throw takes the exception with {@link #awaitEnd()}, and it then fails nothing.
 *
 * <p><b>Nothing hangs.</b> Every wait has a deadline, {@link #DEADLINE} unless
 * {@link #deadline(Duration)} says otherwise: a handler that answers nothing fails the test
 * with a message saying what was awaited and what had come.
 *
 * <p>Registered in a {@code static} field, one port serves all the tests of the class;
 * in an instance field, each test gets a fresh one. With two services of one kind in a
 * class, parameters would be ambiguous: call {@link #connect()} on the one meant. Without JUnit, {@link #start()} it in a
 * try-with-resources: {@link #close()} makes the same checks.
 */
public final class Served implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback, AfterAllCallback,
        ParameterResolver, AutoCloseable {
    /** How long any wait of the kit lasts unless set: long enough for a loaded build machine. */
    public static final Duration DEADLINE = Duration.ofSeconds(10);

    private final Source source;
    private final List<AutoCloseable> clients = Collections.synchronizedList(new ArrayList<>());
    private String service;
    private Duration deadline = DEADLINE;
    private Listener listener;
    // Started for one test by beforeEach (an instance field), not for the class by beforeAll.
    private boolean perTest;

    /** What makes the handler, when the service starts. */
    private sealed interface Source {
        record Streams(Make<StreamHandler> make) implements Source {}

        record Datagrams(Make<DatagramHandler> make) implements Source {}
    }

    @FunctionalInterface
    private interface Make<H> {
        H make() throws OptionException;
    }

    private Served(String service, Source source) {
        this.service = service;
        this.source = source;
    }

    /**
     * Serves {@code handler} over TCP; a {@link ReplyHandler} is served as the daemon serves one.
     *
     * @param handler the handler
     * @return the service, to register with {@link RegisterExtension}
     */
    public static Served stream(StreamHandler handler) {
        Objects.requireNonNull(handler, "handler");
        return new Served("test", new Source.Streams(() -> handler));
    }

    /**
     * Serves over TCP the stream handler of {@code provider}, without options.
     *
     * @param provider the provider, asked when the service starts
     * @return the service, to register with {@link RegisterExtension}
     */
    public static Served stream(HandlerProvider provider) {
        return stream(provider, Map.of());
    }

    /**
     * Serves over TCP the handler that {@code provider} gives for {@code options}: its
     * {@link HandlerProvider#reply reply} handler if it has one, else its stream handler,
     * as the daemon asks. The service is named after the provider.
     *
     * @param provider the provider, asked when the service starts
     * @param options  the service's options, values as text, in the order of the table
     * @return the service, to register with {@link RegisterExtension}
     */
    public static Served stream(HandlerProvider provider, Map<String, String> options) {
        var name = provider.name();
        var copy = copy(options);
        // As the daemon asks: a reply handler first, then a stream handler.
        return new Served(name, new Source.Streams(() -> {
            Optional<? extends StreamHandler> handler = provider.reply(copy);
            if (handler.isEmpty()) {
                handler = provider.stream(copy);
            }
            return handler.orElseThrow(() -> new IllegalStateException("handler '" + name
                    + "' does not serve tcp: stream(options) returned empty"));
        }));
    }

    /**
     * Serves {@code handler} over UDP.
     *
     * @param handler the handler
     * @return the service, to register with {@link RegisterExtension}
     */
    public static Served datagram(DatagramHandler handler) {
        Objects.requireNonNull(handler, "handler");
        return new Served("test", new Source.Datagrams(() -> handler));
    }

    /**
     * Serves over UDP the datagram handler of {@code provider}, without options.
     *
     * @param provider the provider, asked when the service starts
     * @return the service, to register with {@link RegisterExtension}
     */
    public static Served datagram(HandlerProvider provider) {
        return datagram(provider, Map.of());
    }

    /**
     * Serves over UDP the datagram handler that {@code provider} gives for {@code options}.
     * The service is named after the provider.
     *
     * @param provider the provider, asked when the service starts
     * @param options  the service's options, values as text, in the order of the table
     * @return the service, to register with {@link RegisterExtension}
     */
    public static Served datagram(HandlerProvider provider, Map<String, String> options) {
        var name = provider.name();
        var copy = copy(options);
        return new Served(name, new Source.Datagrams(() -> provider.datagram(copy).orElseThrow(
                () -> new IllegalStateException("handler '" + name + "' does not serve udp: datagram(options) returned empty"))));
    }

    private static Map<String, String> copy(Map<String, String> options) {
        var copy = new LinkedHashMap<String, String>();
        options.forEach((key, value) -> copy.put(Objects.requireNonNull(key, "option key"),
                Objects.requireNonNull(value, () -> "option " + key)));
        return Collections.unmodifiableMap(copy);
    }

    /**
     * Names the service, as the table would ({@link org.jinetd.handler.Connection#service()});
     * by default the provider's name, or {@code test}.
     *
     * @param name the service's name
     * @return this service
     * @throws IllegalStateException if it has started
     */
    public synchronized Served service(String name) {
        unstarted();
        this.service = Objects.requireNonNull(name, "name");
        return this;
    }

    /**
     * Sets how long any wait of the kit lasts: a client's read or send, a handler's end.
     *
     * @param deadline the longest wait
     * @return this service
     * @throws IllegalStateException if it has started
     */
    public synchronized Served deadline(Duration deadline) {
        unstarted();
        if (deadline.isNegative() || deadline.isZero()) {
            throw new IllegalArgumentException("deadline must be positive: " + deadline);
        }
        this.deadline = deadline;
        return this;
    }

    /**
     * Makes the handler (asking the provider, if any) and starts serving it; does nothing if
     * it is serving already. The extension calls it; a test without the extension calls it
     * itself, and closes the service after.
     *
     * @return this service
     * @throws OptionException as the provider throws it for the options
     * @throws IOException if the loopback socket cannot be bound
     */
    public synchronized Served start() throws OptionException, IOException {
        if (listener == null) {
            listener = switch (source) {
                case Source.Streams streams -> StreamListener.open(service, deadline, streams.make().make());
                case Source.Datagrams datagrams -> DatagramListener.open(service, deadline, datagrams.make().make());
            };
        }
        return this;
    }

    /** {@return the address the handler is served on, 127.0.0.1 and its port} */
    public InetSocketAddress address() {
        return started().address();
    }

    /**
     * Connects a new TCP client, closed by the kit after the test (or at {@link #close()}).
     *
     * @return the client
     * @throws IllegalStateException if the service has not started or serves datagrams
     */
    public Client connect() {
        if (!(started() instanceof StreamListener streams)) {
            throw new IllegalStateException("a datagram handler is served: use connectDatagram()");
        }
        var client = Client.connect(streams.address(), deadline);
        streams.expect();
        clients.add(client);
        return client;
    }

    /**
     * Opens a new UDP client of the handler, closed by the kit after the test (or
     * at {@link #close()}).
     *
     * @return the client
     * @throws IllegalStateException if the service has not started or serves streams
     */
    public DatagramClient connectDatagram() {
        if (!(started() instanceof DatagramListener datagrams)) {
            throw new IllegalStateException("a stream handler is served: use connect()");
        }
        var client = DatagramClient.open(datagrams.address(), deadline, datagrams::expect);
        clients.add(client);
        return client;
    }

    /**
     * Waits for the next handler run (a connection's or a datagram's) to end, and takes what
     * it threw: the kit then does not fail the test for it.
     *
     * @return what the handler threw, or empty if it returned
     * @throws AssertionError if none ended within the deadline
     */
    public Optional<Throwable> awaitEnd() {
        return started().awaitEnd();
    }

    /**
     * Closes the clients of the test that ends, waits for the handlers to end, and fails
     * as the class comment says.
     *
     * @param context the test's context
     */
    @Override
    public void afterEach(ExtensionContext context) {
        Listener serving;
        synchronized (this) {
            serving = listener;
        }
        if (perTest || serving == null) {
            close();
        } else {
            settle(serving);
        }
    }

    /**
     * Starts the service for the tests of the class.
     *
     * @param context the class's context
     * @throws Exception as {@link #start()} throws it
     */
    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        start();
    }

    /**
     * Starts the service for one test, unless it serves the whole class.
     *
     * @param context the test's context
     * @throws Exception as {@link #start()} throws it
     */
    @Override
    public synchronized void beforeEach(ExtensionContext context) throws Exception {
        if (listener == null) {
            perTest = true;
            start();
        }
    }

    /**
     * Stops the service of the class.
     *
     * @param context the class's context
     */
    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    /**
     * A {@link Client} parameter for a stream handler, a {@link DatagramClient} one for a
     * datagram handler.
     *
     * @param parameter the parameter
     * @param context   the test's context
     * @return whether the kit gives it
     */
    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        var type = parameter.getParameter().getType();
        return switch (source) {
            case Source.Streams _ -> type == Client.class;
            case Source.Datagrams _ -> type == DatagramClient.class;
        };
    }

    /**
     * Connects a new client for the parameter.
     *
     * @param parameter the parameter
     * @param context   the test's context
     * @return the client
     */
    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return switch (source) {
            case Source.Streams _ -> connect();
            case Source.Datagrams _ -> connectDatagram();
        };
    }

    /**
     * Closes the clients, waits for the handlers to end, fails as the class comment says, and
     * stops serving. Does nothing if it is not serving.
     *
     * @throws AssertionError if a handler threw, or did not end
     */
    @Override
    public void close() {
        Listener stopping;
        synchronized (this) {
            stopping = listener;
            listener = null;
        }
        if (stopping == null) {
            return;
        }
        try {
            settle(stopping);
        } finally {
            try {
                stopping.close();
            } catch (IOException e) {
                throw new UncheckedIOException("closing the socket of " + service + " failed", e);
            }
        }
    }

    private void settle(Listener listener) {
        List<AutoCloseable> mine;
        synchronized (clients) {
            mine = List.copyOf(clients);
            clients.clear();
        }
        for (var client : mine) {
            try {
                client.close();
            } catch (Exception e) {
                // Closed already, or reset by the test: the handler's end is what is checked next.
            }
        }
        listener.settle(listener instanceof StreamListener);
    }

    /** {@return the service's name, kind and address, for messages such as JUnit's} */
    @Override
    public synchronized String toString() {
        var kind = source instanceof Source.Streams ? "tcp" : "udp";
        return "Served[" + service + "/" + kind + (listener == null ? ", not serving" : " on " + listener.address()) + "]";
    }

    private synchronized Listener started() {
        if (listener == null) {
            throw new IllegalStateException("not serving: register it with @RegisterExtension, or call start()");
        }
        return listener;
    }

    private synchronized void unstarted() {
        if (listener != null) {
            throw new IllegalStateException("already serving " + service + " on " + listener.address());
        }
    }
}
