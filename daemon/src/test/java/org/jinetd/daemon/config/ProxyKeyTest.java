package org.jinetd.daemon.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code proxy:} and the long form of {@code redirect:} as the table reader takes them, and each mistake where it stands. */
class ProxyKeyTest {
    @TempDir
    Path dir;

    private Loaded load(String yaml) throws IOException {
        var file = Files.writeString(dir.resolve("services.yaml"), yaml);
        return new Config(Providers.installed(), new Plugins(), new Accounts(), new PortNames(), Accounts.self()).read(file);
    }

    private Service service(String yaml, String name) throws IOException {
        var loaded = load(yaml);
        var table = assertInstanceOf(Loaded.Ok.class, loaded, loaded::toString).table();
        return table.services().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    private List<String> problems(String yaml) throws IOException {
        var bad = assertInstanceOf(Loaded.Bad.class, load(yaml));
        var file = dir.resolve("services.yaml").toString();
        return bad.problems().stream().map(p -> p.toString().substring(file.length() + 1)).toList();
    }

    @Test
    void proxyTakesAnyVersionWithinThreeSecondsByDefault() throws IOException {
        var proxy = service("services: {x: {port: 7000, handler: echo, proxy: {from: [10.0.0.0/8, '::ffff:192.0.2.1']}}}",
                "x").proxy().orElseThrow();
        assertEquals(2, proxy.from().size());
        assertTrue(proxy.trusts(InetAddress.getByName("10.1.2.3")));
        // Written v4-mapped, it is the IPv4 address a balancer connects from.
        assertTrue(proxy.trusts(InetAddress.getByName("192.0.2.1")));
        assertFalse(proxy.trusts(InetAddress.getByName("192.0.2.2")));
        assertEquals(Proxy.Version.ANY, proxy.version());
        assertEquals(Duration.ofSeconds(3), proxy.timeout());
        var written = service("services: {x: {port: 7000, handler: echo, proxy: {from: 10.0.0.1, version: '2', timeout: 500ms}}}",
                "x").proxy().orElseThrow();
        assertEquals(Proxy.Version.V2, written.version());
        assertEquals(Duration.ofMillis(500), written.timeout());
    }

    @Test
    void aServiceMayLiftTheProxyOfDefaults() throws IOException {
        var yaml = """
                defaults: {proxy: {from: [10.0.0.1]}}
                services:
                  tcp: {port: 7000, handler: echo}
                  udp: {port: 7001, protocol: udp, handler: echo, proxy: null}
                """;
        assertEquals(Optional.empty(), service(yaml, "udp").proxy());
        assertEquals(Proxy.Version.ANY, service(yaml, "tcp").proxy().orElseThrow().version());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            proxy: {version: 1}                      | 1:50: proxy has no 'from' (expected the balancers' addresses, such as from: [10.0.0.0/8]: a header is believed only from them)
            proxy: {from: []}                        | 1:57: proxy's 'from' is empty, so no connection could be taken (expected at least one balancer's address or prefix)
            proxy: {from: [10.0.0.1], version: 3}    | 1:78: proxy version '3' is not known (expected 1, 2 or any)
            proxy: {from: [10.0.0.1], timeout: 0}    | 1:78: proxy's timeout is zero (expected a duration such as 3s)
            proxy: {from: [10.0.0.1], tiemout: 1s}   | 1:69: unknown key 'tiemout' (expected a key of proxy; did you mean 'timeout'?)
            proxy: [10.0.0.1]                        | 1:50: 'proxy' is a list (expected a map)
            proxy: {from: [balancer.example]}        | 1:58: 'balancer.example' is not an IPv4 or IPv6 address (expected an address or prefix such as 192.0.2.0/24 or 2001:db8::/32)
            """)
    void aWrongProxyIsAProblemWhereItStands(String key, String problem) throws IOException {
        assertEquals(List.of(problem), problems("services: {x: {port: 7000, handler: echo, " + key + "}}"));
    }

    @Test
    void proxyIsForTcpConnectionsTheDaemonAccepts() throws IOException {
        assertEquals(List.of("1:58: proxy takes the PROXY protocol's header on TCP connections (expected protocol: tcp, or no 'proxy:')"),
                problems("services: {x: {port: 7000, protocol: udp, handler: echo, proxy: {from: [10.0.0.1]}}}"));
        assertEquals(List.of("1:66: proxy takes the PROXY protocol's header on TCP connections (expected protocol: tcp, or no 'proxy:')"),
                problems("services: {x: {protocol: unix, path: /run/x.sock, handler: echo, proxy: {from: [10.0.0.1]}}}"));
        assertEquals(List.of("1:58: proxy needs the daemon to read each connection's header; with 'wait: true' the program "
                        + "accepts its own (expected no 'proxy:' on a wait service)"),
                problems("services: {x: {port: 7000, wait: true, exec: [/bin/cat], proxy: {from: [10.0.0.1]}}}"));
    }

    @Test
    void redirectsLongFormSendsAHeaderOfTheVersionWritten() throws IOException {
        assertEquals(new Launch.Redirect("127.0.0.1", 80, 2),
                service("services: {x: {port: 7000, redirect: {to: '127.0.0.1:80', proxy: 2}}}", "x").launch());
        assertEquals(new Launch.Redirect("2001:db8::7", 25, 1),
                service("services: {x: {port: 7000, redirect: {to: '[2001:db8::7]:25', proxy: 1}}}", "x").launch());
        assertEquals(new Launch.Redirect("127.0.0.1", 80, 0),
                service("services: {x: {port: 7000, redirect: {to: '127.0.0.1:80'}}}", "x").launch());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            redirect: {to: '127.0.0.1:80', proxy: 3}          | 1:66: 'proxy' is 3, out of range (expected a whole number from 1 to 2)
            redirect: {to: '127.0.0.1:80', proxy: 0}          | 1:66: 'proxy' is 0, out of range (expected a whole number from 1 to 2)
            redirect: {proxy: 1}                              | 1:38: redirect has no 'to' (expected to: HOST:PORT)
            redirect: {to: '127.0.0.1:80', proxy: 1, via: 1}  | 1:69: unknown key 'via' (expected a key of redirect: to, proxy)
            """)
    void aWrongRedirectIsAProblemWhereItStands(String key, String problem) throws IOException {
        assertEquals(List.of(problem), problems("services: {x: {port: 7000, " + key + "}}"));
    }
}
