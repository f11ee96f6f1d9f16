package org.jinetd.daemon.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A name service that never answers (LDAP down) is a problem naming the user, after a deadline. */
class AccountsTest {
    @TempDir
    Path dir;

    /** A getent that hangs, as NSS does on an LDAP server that does not answer; its pid goes to a file. */
    private Accounts hanging(Path pid) throws IOException {
        var passwd = Files.writeString(dir.resolve("passwd"), "root:x:0:0:root:/root:/bin/sh\n");
        var group = Files.writeString(dir.resolve("group"), "root:x:0:\n");
        return new Accounts(passwd, group, List.of("/bin/sh", "-c", "echo $$ > " + pid + "; exec sleep 600", "getent"),
                Duration.ofSeconds(1));
    }

    @Test
    void aLookupWithoutAnswerIsAProblemNamingTheUserAndTheLookupIsEnded() throws Exception {
        var pid = dir.resolve("getent.pid");
        var table = Files.writeString(dir.resolve("services.yaml"), """
                services:
                  cat: {bind: 127.0.0.1, port: 7101, exec: [/bin/cat], user: ldapuser}
                """);
        var config = new Config(Providers.installed(), new Plugins(), hanging(pid), new PortNames(), 0);
        var loaded = assertTimeoutPreemptively(Duration.ofSeconds(15), () -> config.read(table));
        var bad = assertInstanceOf(Loaded.Bad.class, loaded, loaded::toString);
        assertEquals(List.of(table + ":2:3: service 'cat': looking up user 'ldapuser' got no answer within 1s "
                + "(expected a name service (NSS: LDAP, sssd) that answers, or the account in /etc/passwd or /etc/group)"),
                bad.problems().stream().map(Problem::toString).toList());
        // The hanging lookup is ended, not left behind.
        var process = ProcessHandle.of(Long.parseLong(Files.readString(pid).strip()));
        if (process.isPresent()) {
            process.get().onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    @Test
    void aNameInTheFilesNeedsNoNameService() throws Exception {
        var accounts = hanging(dir.resolve("unused.pid"));
        assertEquals(0, assertTimeoutPreemptively(Duration.ofSeconds(5), () -> accounts.user("root")).orElseThrow().uid());
        assertTrue(Files.notExists(dir.resolve("unused.pid")));
    }
}
