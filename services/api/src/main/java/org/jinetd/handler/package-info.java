/**
 * The handler API of jinetd: what an in-JVM service implements. It depends on the JDK alone.
 * A {@link org.jinetd.handler.HandlerProvider} gives a {@link org.jinetd.handler.StreamHandler}
 * and/or a {@link org.jinetd.handler.DatagramHandler} by name from a service's options.
 */
package org.jinetd.handler;
