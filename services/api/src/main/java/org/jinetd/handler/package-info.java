/**
 * The handler API of jinetd: what an in-JVM service implements. It depends on the JDK alone.
 * A {@link org.jinetd.handler.HandlerProvider} gives a {@link org.jinetd.handler.StreamHandler}
 * and/or a {@link org.jinetd.handler.DatagramHandler} by name from a service's options.
 *
 * <p>A handler that answers each line with the line reversed, and a {@code suffix} option:
 * {@snippet :
 * public final class Reverse implements HandlerProvider {
 *     @Override
 *     public String name() {
 *         return "reverse";
 *     }
 *
 *     @Override
 *     public Optional<StreamHandler> stream(Map<String, String> options) throws OptionException {
 *         var suffix = options.getOrDefault("suffix", "");
 *         return Optional.of(connection -> {
 *             var in = new BufferedReader(Channels.newReader(connection.channel(), UTF_8));
 *             var out = new PrintWriter(Channels.newWriter(connection.channel(), UTF_8), true);
 *             for (String line; (line = in.readLine()) != null; ) {
 *                 out.println(new StringBuilder(line).reverse() + suffix);
 *             }
 *         });
 *     }
 * }
 * }
 *
 * <p>Its jar lists the provider in {@code META-INF/services/org.jinetd.handler.HandlerProvider}:
 * {@snippet :
 * org.example.Reverse
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
