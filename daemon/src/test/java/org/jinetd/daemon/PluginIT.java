package org.jinetd.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plugins in the built distribution, on its own runtime: a handler's System.Logger lines reach
 * the daemon's stderr, and a broken jar stops check and run with its name.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PluginIT {
    @TempDir
    Path dir;

    private Path plugins() throws Exception {
        var plugins = Files.createDirectories(dir.resolve("plugins"));
        PluginJars.write(plugins.resolve("chatty.jar"), Map.of("example.Chatty", HandlerLogTest.CHATTY), "example.Chatty");
        return plugins;
    }

    @Test
    void aHandlersLogLinesReachTheDaemonsLogWithItsServiceAndClient() throws Exception {
        int port = TestDaemon.freePort();
        var table = Files.writeString(dir.resolve("services.yaml"), """
                control_socket: none
                plugins: %s
                services:
                  talk: {bind: 127.0.0.1, port: %d, handler: chatty}
                """.formatted(plugins(), port));
        try (var daemon = Launched.start("run", "-c", table.toString())) {
            daemon.awaitErr("ready:");
            // Its provider, made as the table was read, logged outside any connection.
            daemon.awaitErr("service=- logger=example.Chatty log=made");
            try (var client = Clients.connect(port)) {
                assertEquals("done", new String(client.getInputStream().readAllBytes()));
                daemon.awaitErr("service=talk peer=127.0.0.1:" + client.getLocalPort()
                        + " logger=example.Chatty log=\"said 0\"");
            }
        }
    }

    @Test
    void checkAndRunNameABrokenJar() throws Exception {
        var plugins = plugins();
        Files.writeString(plugins.resolve("broken.jar"), "not a jar");
        var table = Files.writeString(dir.resolve("services.yaml"), """
                control_socket: none
                plugins: %s
                services:
                  talk: {bind: 127.0.0.1, port: %d, handler: chatty}
                """.formatted(plugins, TestDaemon.freePort()));
        var problem = table + ":2:10: plugins '" + plugins + "': broken.jar: not a jar: zip END header not found";
        for (var command : new String[] {"check", "run"}) {
            try (var jinetd = Launched.start(command, "-c", table.toString())) {
                assertEquals(1, jinetd.exit(), command + ": " + jinetd.err());
                assertTrue(jinetd.err().contains(problem), command + ": " + jinetd.err());
            }
        }
    }
}
