package org.jinetd.daemon.config;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jinetd.handler.DatagramHandler;
import org.jinetd.handler.ReplyHandler;
import org.jinetd.handler.StreamHandler;

/** What runs for a connection: a program, or an in-JVM handler. */
public sealed interface Launch {
    /** How {@code jinetd list} shows it. */
    String shown();

    /** The plugin jar whose code serves it; none for programs, redirects and built-ins. */
    default Optional<PluginJar> plugin() {
        return Optional.empty();
    }

    /**
     * A program started per connection (or, with {@code waits}, per burst of work).
     *
     * @param argv   the program's absolute path and its arguments
     * @param runAs  the account it runs as
     * @param env    the service's {@code env:}, added to the fixed environment
     * @param io     how the connection reaches it
     * @param stderr where its fd 2 goes
     * @param waits  {@code wait: true}: it gets the listening socket
     * @param listenFds {@code listen_fds: true}: the socket is fd 3, announced as sd_listen_fds(3) expects
     * @param resources its limits, niceness, umask and working directory
     * @param pastSpawners its user is not among the first {@code max_spawners} of the table
     *                     whose programs a spawner would start: it goes through setpriv
     */
    record Exec(List<String> argv, RunAs runAs, Map<String, String> env, Io io, Stderr stderr, boolean waits,
                boolean listenFds, Resources resources, boolean pastSpawners) implements Launch {
        public Exec {
            argv = List.copyOf(argv);
            env = Map.copyOf(env);
            Objects.requireNonNull(runAs, "runAs");
            Objects.requireNonNull(resources, "resources");
            Objects.requireNonNull(io, "io");
            Objects.requireNonNull(stderr, "stderr");
            if (argv.isEmpty()) {
                throw new IllegalArgumentException("argv is empty");
            }
        }

        public Exec(List<String> argv, RunAs runAs, Map<String, String> env, Io io, Stderr stderr, boolean waits,
                    boolean listenFds, Resources resources) {
            this(argv, runAs, env, io, stderr, waits, listenFds, resources, false);
        }

        /** The same program, with its stderr elsewhere. */
        public Exec withStderr(Stderr to) {
            return new Exec(argv, runAs, env, io, to, waits, listenFds, resources, pastSpawners);
        }

        /**
         * The same program, started through setpriv: its user is past {@code max_spawners}, or
         * its spawner is not ready yet.
         */
        public Exec withoutSpawner() {
            return new Exec(argv, runAs, env, io, stderr, waits, listenFds, resources, true);
        }

        @Override
        public String shown() {
            var by = switch (start()) {
                case SELF -> "";
                case SPAWNER -> " via spawner";
                case SETPRIV -> pastSpawners && wantsSpawner() ? " via setpriv, past max_spawners" : " via setpriv";
            };
            return "exec " + ShellWords.join(argv) + " (as " + runAs.user() + by + ", " + io.key()
                    + (waits ? ", wait" : "") + (listenFds ? ", listen_fds" : "") + ")";
        }

        /**
         * How it is started: a root daemon has the spawner of the program's user start it, unless
         * the program runs as root (in another group), needs what only root can set before the
         * switch of user ({@code rlimits}, which may go above the user's hard limits, and a
         * negative {@code nice}), or its user is past {@code max_spawners}; those go through setpriv.
         */
        public Start start() {
            if (!runAs.switches()) {
                return Start.SELF;
            }
            return wantsSpawner() && !pastSpawners ? Start.SPAWNER : Start.SETPRIV;
        }

        /** Whether a spawner would start it, were there no cap on spawners. */
        boolean wantsSpawner() {
            return runAs.switches() && runAs.uid() != 0 && resources.rlimits().isEmpty()
                    && resources.nice().orElse(0) >= 0;
        }
    }

    /** Who starts a program. */
    enum Start {
        /** The daemon, as the user it runs as. */
        SELF,
        /** The spawner of the program's user: a process of that user, started once, that spawns its programs. */
        SPAWNER,
        /** The daemon, through util-linux setpriv, which switches to the user for each program. */
        SETPRIV
    }

    /**
     * The connection forwarded to another address by the daemon itself, as xinetd's
     * {@code redirect}: bytes both ways, half-close passed on.
     *
     * @param host  a name or address, looked up for each connection
     * @param proxy the PROXY protocol's version (1 or 2) whose header, naming the real client,
     *              goes first to the target; 0 for none
     */
    record Redirect(String host, int port, int proxy) implements Launch {
        public Redirect {
            Objects.requireNonNull(host, "host");
            if (proxy < 0 || proxy > 2) {
                throw new IllegalArgumentException("PROXY version " + proxy);
            }
        }

        public Redirect(String host, int port) {
            this(host, port, 0);
        }

        @Override
        public String shown() {
            return "redirect " + (host.contains(":") ? "[" + host + "]" : host) + ":" + port
                    + (proxy == 0 ? "" : " (PROXY v" + proxy + ")");
        }
    }

    /**
     * An in-JVM handler for a stream service.
     *
     * @param handler what serves each connection
     * @param reply   the same handler, when its provider declared it a reply known at accept
     *                ({@code HandlerProvider.reply}): it is then answered on the listener's thread
     * @param plugin  the plugin jar it came from; none for a built-in
     * @param speaksFirst whether it writes before its client sends anything, as its provider
     *                ({@code HandlerProvider.speaksFirst}) says; always so for a reply
     */
    record Stream(String name, Map<String, String> options, StreamHandler handler, Optional<ReplyHandler> reply,
                  Optional<PluginJar> plugin, boolean speaksFirst) implements Launch {
        public Stream {
            options = Map.copyOf(options);
            Objects.requireNonNull(handler, "handler");
            Objects.requireNonNull(plugin, "plugin");
            if (reply.isPresent() && reply.get() != handler) {
                throw new IllegalArgumentException("reply is not the handler");
            }
            speaksFirst |= reply.isPresent();
        }

        @Override
        public String shown() {
            return "handler " + name;
        }
    }

    /**
     * An in-JVM handler for a datagram service.
     *
     * @param plugin the plugin jar it came from; none for a built-in
     */
    record Datagrams(String name, Map<String, String> options, DatagramHandler handler, Optional<PluginJar> plugin)
            implements Launch {
        public Datagrams {
            options = Map.copyOf(options);
            Objects.requireNonNull(handler, "handler");
            Objects.requireNonNull(plugin, "plugin");
        }

        @Override
        public String shown() {
            return "handler " + name;
        }
    }

    /** {@code io:} how a program gets its connection. */
    enum Io {
        /** The socket itself is fd 0 and 1. */
        INHERIT,
        /** Pipes, with the daemon copying both ways. */
        BRIDGE;

        public String key() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** {@code stderr:} where a program's fd 2 goes. */
    enum Stderr {
        /** The daemon's log, a line at a time, with service and pid. */
        LOG,
        /** The connection, as xinetd does. */
        SOCKET,
        /** /dev/null. */
        NULL;

        public String key() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
