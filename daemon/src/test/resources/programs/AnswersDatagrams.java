import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;

/**
 * A datagram server in inetd's wait mode: it gets the socket, answers each datagram with its
 * pid, its user and a count, and exits after half a second without one.
 */
public class AnswersDatagrams {
    public static void main(String[] args) throws IOException {
        if (!(System.inheritedChannel() instanceof DatagramChannel channel)) {
            System.err.println("not a datagram socket: " + System.inheritedChannel());
            System.exit(2);
            return;
        }
        var socket = channel.socket();
        socket.setSoTimeout(500);
        var buffer = new byte[512];
        for (int served = 1; ; served++) {
            var packet = new java.net.DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
            } catch (SocketTimeoutException idle) {
                return;
            }
            var answer = ("pid " + ProcessHandle.current().pid() + " user " + System.getProperty("user.name")
                    + " datagram " + served + "\n").getBytes(StandardCharsets.UTF_8);
            socket.send(new java.net.DatagramPacket(answer, answer.length, packet.getSocketAddress()));
        }
    }
}
