package org.jinetd.handler.testkit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The kit as tests use it: registered, with clients as parameters. */
class ServedExtensionTest {
    @RegisterExtension
    static final Served ECHO_LINE = Served.stream(connection -> {
        var in = new java.io.BufferedReader(java.nio.channels.Channels.newReader(connection.channel(), UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            connection.channel().write(ByteBuffer.wrap((line + "\n").getBytes(UTF_8)));
        }
    });

    @RegisterExtension
    static final Served UPPER = Served.datagram(datagram -> datagram.reply(
            ByteBuffer.wrap(UTF_8.decode(datagram.payload()).toString().toUpperCase().getBytes(UTF_8))));

    @Test
    void aClientParameterIsConnectedToTheStreamHandler(Client client) {
        assertEquals("hi", client.send("hi\n").line());
    }

    @Test
    void aDatagramClientParameterIsConnectedToTheDatagramHandler(DatagramClient client) {
        assertEquals("HI", client.send("hi").receiveText());
    }

    @Test
    void eachParameterIsAConnectionOfItsOwn(Client one, Client two) {
        two.send("second\n");
        one.send("first\n");
        assertEquals("first", one.line());
        assertEquals("second", two.line());
    }
}
