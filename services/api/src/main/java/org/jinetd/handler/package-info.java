/**
 * The handler API of jinetd: what an in-JVM service implements. It depends on the JDK alone.
 * A {@link org.jinetd.handler.HandlerProvider} gives a {@link org.jinetd.handler.StreamHandler}
 * and/or a {@link org.jinetd.handler.DatagramHandler} by name from a service's options.
 *
 * <p>A handler that answers each line with the line reversed, and a {@code suffix} option
 * (the template {@code services/examples/reverse} of jinetd's sources, ready to copy, has it
 * with its tests). A line is bounded: the daemon runs as root, and no client may make it
 * hold more than the handler chooses.
 * {@snippet :
 * public record Reverse(String suffix) implements StreamHandler {
 *     static final int MOST_CHARS = 4096;
 *
 *     @Override
 *     public void handle(Connection connection) throws IOException {
 *         var in = Channels.newReader(connection.channel(), UTF_8);
 *         var out = Channels.newWriter(connection.channel(), UTF_8);
 *         var line = new StringBuilder();
 *         for (int c; (c = in.read()) >= 0; ) {
 *             if (c == '\n') {
 *                 out.append(line.reverse()).append(suffix).append('\n').flush();
 *                 line.setLength(0);
 *             } else if (c != '\r' && line.append((char) c).length() > MOST_CHARS) {
 *                 throw new IOException("a line longer than " + MOST_CHARS + " characters");
 *             }
 *         }
 *     }
 * }
 *
 * public final class ReverseProvider implements HandlerProvider {
 *     @Override
 *     public String name() {
 *         return "reverse";
 *     }
 *
 *     @Override
 *     public Optional<StreamHandler> stream(Map<String, String> options) throws OptionException {
 *         var suffix = options.getOrDefault("suffix", "");
 *         if (suffix.contains("\n")) {
 *             throw new OptionException("suffix", "must not contain a line end");
 *         }
 *         return Optional.of(new Reverse(suffix));
 *     }
 * }
 * }
 *
 * <p>Its jar lists the provider in {@code META-INF/services/org.jinetd.handler.HandlerProvider}:
 * {@snippet :
 * org.example.reverse.ReverseProvider
 * }
 * and a service of the table names it:
 * {@snippet lang=yaml :
 * services:
 *   reverse: {port: 7200, handler: reverse, options: {suffix: "!"}}
 * }
 * Dropped into the plugin directory ({@code plugins:} of the table), the jar is loaded at
 * start and at each reload.
 *
 * <p>A plugin jar sees the JDK and this package, nothing of the daemon: it bundles every
 * library it uses, and gets its own copy of each even where the daemon has one of the same
 * name. It logs through the JDK's {@link java.lang.System.Logger}; a line written while a
 * connection or datagram is being served carries that service's name and client:
 * {@snippet :
 * private static final System.Logger LOG = System.getLogger("org.example.Reverse");
 * LOG.log(System.Logger.Level.INFO, "reversed {0} lines", count);
 * }
 */
package org.jinetd.handler;
