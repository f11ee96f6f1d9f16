package org.jinetd.daemon.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Users and groups, from {@code /etc/passwd} and {@code /etc/group}, then {@code getent} for
 * names that live elsewhere (LDAP, systemd-userdb) through NSS.
 */
final class Accounts {
    record User(String name, int uid, int gid, String home, String shell) {}

    record Group(String name, int gid) {}

    private final Path passwd;
    private final Path group;

    Accounts() {
        this(Path.of("/etc/passwd"), Path.of("/etc/group"));
    }

    Accounts(Path passwd, Path group) {
        this.passwd = passwd;
        this.group = group;
    }

    Optional<User> user(String name) {
        return entry(passwd, "passwd", name).filter(f -> f.length >= 7).map(f ->
                new User(f[0], Integer.parseInt(f[2]), Integer.parseInt(f[3]), f[5], f[6]));
    }

    Optional<User> user(int uid) {
        return entry(passwd, "passwd", Integer.toString(uid)).filter(f -> f.length >= 7).map(f ->
                new User(f[0], Integer.parseInt(f[2]), Integer.parseInt(f[3]), f[5], f[6]));
    }

    Optional<Group> group(String name) {
        return entry(group, "group", name).filter(f -> f.length >= 3).map(f ->
                new Group(f[0], Integer.parseInt(f[2])));
    }

    Optional<Group> group(int gid) {
        return entry(group, "group", Integer.toString(gid)).filter(f -> f.length >= 3).map(f ->
                new Group(f[0], Integer.parseInt(f[2])));
    }

    /** The line whose name (or, for a number, whose id) is {@code key}, split at ':'. */
    private static Optional<String[]> entry(Path file, String database, String key) {
        boolean byId = !key.isEmpty() && key.chars().allMatch(Character::isDigit);
        try {
            for (var line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                var fields = line.split(":", -1);
                if (fields.length >= 3 && (byId ? fields[2].equals(key) : fields[0].equals(key))) {
                    return Optional.of(fields);
                }
            }
        } catch (IOException | RuntimeException e) {
            // An unreadable file: NSS below may still know the name.
        }
        return getent(database, key);
    }

    private static Optional<String[]> getent(String database, String key) {
        try {
            var process = new ProcessBuilder("getent", database, key)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            var out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!process.waitFor(5, TimeUnit.SECONDS) || process.exitValue() != 0 || out.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(out.lines().findFirst().orElse("").split(":", -1));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** The uid this process runs as. */
    static int self() {
        return (int) new com.sun.security.auth.module.UnixSystem().getUid();
    }
}
