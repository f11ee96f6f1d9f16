import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.Channel;
import java.nio.channels.ServerSocketChannel;

/**
 * JvmSpawnLoop: the ceiling for spawning from a JVM, as bench/spawnloop.c is for C. The same
 * loop in Java: accept, posix_spawn PROGRAM through the FFM API with the socket as its fd 0
 * and 1, close the daemon's copy, and let the kernel reap (SIGCHLD ignored). No policy, no
 * logging, no reaper: what is left of the JVM's own cost per spawn.
 *
 * <p>usage: java --enable-native-access=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
 * JvmSpawnLoop HOST PORT PROGRAM
 */
public final class JvmSpawnLoop {
    private static final Linker LINKER = Linker.nativeLinker();

    private static MethodHandle c(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), descriptor);
    }

    public static void main(String[] args) throws Throwable {
        if (args.length != 3) {
            System.err.println("usage: JvmSpawnLoop HOST PORT PROGRAM");
            System.exit(2);
        }
        var spawn = c("posix_spawn", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        var init = c("posix_spawn_file_actions_init", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        var destroy = c("posix_spawn_file_actions_destroy", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        var dup2 = c("posix_spawn_file_actions_adddup2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
        var signal = c("signal", FunctionDescriptor.of(ADDRESS, JAVA_INT, ADDRESS));
        var fdVal = MethodHandles.lookup().unreflect(Class.forName("sun.nio.ch.SelChImpl").getMethod("getFDVal"))
                .asType(MethodType.methodType(int.class, Channel.class));
        // What the C loop passes: the program's path, no arguments, this process's environment.
        var global = Arena.global();
        var path = global.allocateFrom(args[2]);
        var argv = global.allocate(ADDRESS, 2);
        argv.setAtIndex(ADDRESS, 0, path);
        argv.setAtIndex(ADDRESS, 1, MemorySegment.NULL);
        var env = System.getenv().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
        var envp = global.allocate(ADDRESS, env.size() + 1L);
        for (int i = 0; i < env.size(); i++) {
            envp.setAtIndex(ADDRESS, i, global.allocateFrom(env.get(i)));
        }
        envp.setAtIndex(ADDRESS, env.size(), MemorySegment.NULL);

        var server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress(InetAddress.getByName(args[0]), Integer.parseInt(args[1])), 1024);
        // Last: the JDK sets SIGCHLD back to SIG_DFL as it first reads the environment.
        var ignored = (MemorySegment) signal.invokeExact(17 /* SIGCHLD */, MemorySegment.ofAddress(1) /* SIG_IGN */);
        while (true) {
            try (var channel = server.accept(); var arena = Arena.ofConfined()) {
                int fd = (int) fdVal.invokeExact((Channel) channel);
                var actions = arena.allocate(80, 16);
                var pid = arena.allocate(JAVA_INT);
                int r = (int) init.invokeExact(actions);
                r = (int) dup2.invokeExact(actions, fd, 0);
                r = (int) dup2.invokeExact(actions, fd, 1);
                r = (int) spawn.invokeExact(pid, path, actions, MemorySegment.NULL, argv, envp);
                r = (int) destroy.invokeExact(actions);
            } catch (java.io.IOException e) {
                // Out of descriptors or a client gone: take the next.
            }
        }
    }
}
