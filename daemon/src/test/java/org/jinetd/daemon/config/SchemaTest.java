package org.jinetd.daemon.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** conf/services.schema.json, the editors' view of the table, agrees with the example table and with {@link Keys}. */
class SchemaTest {
    /** Surefire runs in daemon/; conf/ is beside it. */
    private static final Path CONF = Path.of("..", "conf");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static JsonNode schemaJson() throws IOException {
        return new ObjectMapper().readTree(CONF.resolve("services.schema.json").toFile());
    }

    private static List<String> errors(JsonNode table) throws IOException {
        Schema schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(schemaJson());
        return schema.validate(table).stream().map(Object::toString).toList();
    }

    private static List<String> errors(String yaml) throws IOException {
        return errors(YAML.readTree(yaml));
    }

    @Test
    void exampleTableValidates() throws IOException {
        var table = YAML.readTree(CONF.resolve("services.yaml").toFile());
        assertEquals(List.of(), errors(table));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "services: {unix: {protocol: unix, path: /run/x.sock, socket_mode: '0660', handler: echo}}",
        "services: {ssh: {port: ssh, exec: [/usr/sbin/sshd, -i, -p, 22], wait: no, only_from: 10.0.0.0/8}}",
        "defaults: {exec: [/bin/cat]}\nservices: {cat: {port: 7100}, daytime: }",
        "shutdown_grace: 500ms\nservices: {x: {port: 1, handler: echo, per_source: unlimited, disabled: true}}",
        "log: syslog\nservices: {echo: {port: 7007, handler: echo}}",
        "log: /var/log/jinetd.log\nservices: {echo: {port: 7007, handler: echo}}",
        "services: {web: {port: 443, handler: echo, tls: {certificate: /etc/ssl/web.pem, key: /etc/ssl/web.key}}}",
        "services: {web: {port: 443, redirect: '127.0.0.1:80', tls: {certificate: /c.pem, key: /k.pem, "
                + "protocols: [TLSv1.3], alpn: [h2, http/1.1], sni: {'*.example.org': {certificate: /w.pem, key: /w.key}}, "
                + "client: {ca: /ca.pem, require: no}, handshake_timeout: 5s}}}",
        "defaults: {tls: {certificate: /c.pem, key: /k.pem}}\nservices: {u: {port: 7, protocol: udp, handler: echo, tls: none}}",
        "services: {x: {port: 7000, handler: echo, proxy: {from: [10.0.0.0/8], version: 2, timeout: 500ms}}}",
        "services: {x: {port: 7000, handler: echo, proxy: {from: 10.0.0.1, version: '1'}}}",
        "services: {x: {port: 7000, redirect: {to: '127.0.0.1:80', proxy: 2}}}",
        "services: {x: {port: 7000, redirect: {to: '127.0.0.1:80', proxy: '1'}}}",
        "defaults: {proxy: {from: [10.0.0.1]}}\nservices: {u: {port: 7001, protocol: udp, handler: echo, proxy: null}}",
        "services: {x: {port: 7000, handler: echo, defer_accept: 3600}, y: {port: 7001, handler: echo, defer_accept: 1.5s}}",
    })
    void tablesTheReaderAcceptsValidate(String yaml) throws IOException {
        assertEquals(List.of(), errors(yaml));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "services: {echo: {port: 7007, handler: echo, colour: red}}",
        "services: {echo: {port: 70000, handler: echo}}",
        "services: {echo: {port: 7007, protocol: sctp, handler: echo}}",
        "services: {echo: {port: 7007, handler: echo, exec: [/bin/cat]}}",
        "services: {echo: {port: 7007, handler: echo, user: nobody}}",
        "servces: {echo: {port: 7007, handler: echo}}",
        "log: sylog\nservices: {echo: {port: 7007, handler: echo}}",
        "log: var/log/jinetd.log\nservices: {echo: {port: 7007, handler: echo}}",
        "services: {web: {port: 443, handler: echo, tls: {certificate: /c.pem}}}",
        "services: {web: {port: 443, handler: echo, tls: {certificate: c.pem, key: /k.pem}}}",
        "services: {web: {port: 443, handler: echo, tls: {certificate: /c.pem, key: /k.pem, protocols: [TLSv1.1]}}}",
        "services: {web: {port: 443, handler: echo, tls: {certificate: /c.pem, key: /k.pem, ciphers: HIGH}}}",
        "services: {u: {port: 7, protocol: udp, handler: echo, tls: {certificate: /c.pem, key: /k.pem}}}",
        "services: {w: {port: 7, exec: [/bin/cat], wait: true, tls: {certificate: /c.pem, key: /k.pem}}}",
        "services: {x: {port: 7000, handler: echo, proxy: {version: 1}}}",
        "services: {x: {port: 7000, handler: echo, proxy: {from: [10.0.0.1], version: 3}}}",
        "services: {x: {port: 7000, handler: echo, proxy: {from: [10.0.0.1], tiemout: 1s}}}",
        "services: {x: {port: 7000, redirect: {to: '127.0.0.1:80', proxy: 3}}}",
        "services: {x: {port: 7000, redirect: {proxy: 1}}}",
        "services: {x: {port: 7000, handler: echo, defer_accept: 7200}}",
        "services: {x: {port: 7000, handler: echo, defer_accept: soon}}",
    })
    void badTablesAreRejected(String yaml) throws IOException {
        assertFalse(errors(yaml).isEmpty(), "no error for: " + yaml);
    }

    @Test
    void badTableGetsAnErrorForEachMistake() throws IOException {
        var errors = String.join("\n", errors("services: {echo: {port: 70000, protocol: sctp, handler: echo, colour: red}}"));
        for (var mistake : List.of("/services/echo/port:", "/services/echo/protocol:", "'colour'")) {
            assertTrue(errors.contains(mistake), () -> "no error for " + mistake + " in:\n" + errors);
        }
    }

    @Test
    void schemaDefinesEveryServiceKeyAndNoOther() throws IOException {
        var properties = schemaJson().at("/$defs/serviceKeys/properties");
        assertEquals(Set.copyOf(Keys.SERVICE), names(properties));
    }

    @Test
    void schemaDefinesEveryTopLevelKeyAndNoOther() throws IOException {
        assertEquals(Set.copyOf(Keys.TOP), names(schemaJson().get("properties")));
    }

    private static Set<String> names(JsonNode object) {
        var names = new HashSet<String>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
