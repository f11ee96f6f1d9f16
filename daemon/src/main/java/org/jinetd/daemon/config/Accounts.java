package org.jinetd.daemon.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Users and groups, from {@code /etc/passwd} and {@code /etc/group}, then {@code getent} for
 * names that live elsewhere (LDAP, systemd-userdb) through NSS. A name service that does not
 * answer in time ends the lookup with {@link NoAnswer}, not the reading of the table.
 */
final class Accounts {
    record User(String name, int uid, int gid, String home, String shell) {}

    record Group(String name, int gid) {}

    /** A lookup the name service did not answer within the deadline. */
    static final class NoAnswer extends RuntimeException {
        NoAnswer(String database, String key, Duration deadline) {
            super("looking up %s '%s' got no answer within %ds".formatted(
                    database.equals("passwd") ? "user" : "group", Node.token(key), deadline.toSeconds()));
        }
    }

    static final Duration DEADLINE = Duration.ofSeconds(5);

    private final Path passwd;
    private final Path group;
    private final List<String> getent;
    private final Duration deadline;

    Accounts() {
        this(Path.of("/etc/passwd"), Path.of("/etc/group"), List.of("getent"), DEADLINE);
    }

    Accounts(Path passwd, Path group) {
        this(passwd, group, List.of("getent"), DEADLINE);
    }

    /** With {@code getent} as the command that asks NSS (a test gives one that never answers). */
    Accounts(Path passwd, Path group, List<String> getent, Duration deadline) {
        this.passwd = passwd;
        this.group = group;
        this.getent = List.copyOf(getent);
        this.deadline = deadline;
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

    /**
     * The names in {@code /etc/passwd}, for "did you mean": only the file's (asking NSS for
     * every user of a directory service would be slow, and is no hint anyone needs).
     */
    List<String> userNames() {
        return names(passwd);
    }

    /** The names in {@code /etc/group}, as {@link #userNames}. */
    List<String> groupNames() {
        return names(group);
    }

    private static List<String> names(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8).stream().map(line -> line.split(":", -1))
                    .filter(fields -> fields.length >= 3 && !fields[0].isEmpty()).map(fields -> fields[0]).toList();
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    /** The line whose name (or, for a number, whose id) is {@code key}, split at ':'. */
    private Optional<String[]> entry(Path file, String database, String key) {
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

    private Optional<String[]> getent(String database, String key) {
        var command = new ArrayList<>(getent);
        command.addAll(List.of(database, key));
        Process process;
        try {
            process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            return Optional.empty();
        }
        // Read apart: a name service that never answers must not hold the reader with it.
        var out = new FutureTask<>(() -> new String(process.getInputStream().readNBytes(64 << 10),
                StandardCharsets.UTF_8).strip());
        Thread.ofVirtual().name("getent " + database).start(out);
        try {
            var text = out.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
            if (!process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new NoAnswer(database, key, deadline);
            }
            if (process.exitValue() != 0 || text.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(text.lines().findFirst().orElse("").split(":", -1));
        } catch (TimeoutException e) {
            throw new NoAnswer(database, key, deadline);
        } catch (ExecutionException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } finally {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }

    /** The uid this process runs as. */
    static int self() {
        return (int) new com.sun.security.auth.module.UnixSystem().getUid();
    }
}
