import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/** An inetd program in Java: answers with the kind of channel it inherited and the client it sees. */
public class RemoteAddress {
    public static void main(String[] args) throws IOException {
        var inherited = System.inheritedChannel();
        if (!(inherited instanceof SocketChannel socket)) {
            System.out.println("inherited " + inherited);
            return;
        }
        var answer = "socket " + socket.getRemoteAddress() + "\n";
        socket.write(ByteBuffer.wrap(answer.getBytes(StandardCharsets.UTF_8)));
        socket.close();
    }
}
