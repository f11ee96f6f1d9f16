import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * A stream server in inetd's wait mode: it gets the listening socket, accepts the clients
 * that come, answers each with its pid and a count, and exits after half a second without one.
 */
public class AcceptsItself {
    public static void main(String[] args) throws IOException {
        if (!(System.inheritedChannel() instanceof ServerSocketChannel server)) {
            System.err.println("not a listening socket: " + System.inheritedChannel());
            System.exit(2);
            return;
        }
        var listening = server.socket();
        listening.setSoTimeout(500);
        for (int served = 1; ; served++) {
            try (var client = listening.accept()) {
                var answer = "pid " + ProcessHandle.current().pid() + " client " + served + "\n";
                client.getOutputStream().write(answer.getBytes(StandardCharsets.UTF_8));
            } catch (SocketTimeoutException idle) {
                return;
            }
        }
    }
}
