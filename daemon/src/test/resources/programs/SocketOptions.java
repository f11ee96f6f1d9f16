import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/** Answers with the options of the socket it inherited: SO_KEEPALIVE and TCP_NODELAY. */
public class SocketOptions {
    public static void main(String[] args) throws IOException {
        var socket = (SocketChannel) System.inheritedChannel();
        var answer = "keepalive=" + socket.getOption(StandardSocketOptions.SO_KEEPALIVE)
                + " nodelay=" + socket.getOption(StandardSocketOptions.TCP_NODELAY) + "\n";
        socket.write(ByteBuffer.wrap(answer.getBytes()));
        socket.close();
    }
}
