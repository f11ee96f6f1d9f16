package org.jinetd.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The files a table was read from (the table, what it included, the directories its globs
 * looked in) as they were at a moment: each one's time of change and size. A file written,
 * added to a globbed directory, taken from it, or gone, is a change.
 */
record TableFiles(Instant at, List<State> states) {
    TableFiles {
        states = List.copyOf(states);
    }

    /** One file, or empty where it could not be looked at. */
    record State(Path path, Optional<java.nio.file.attribute.FileTime> modified, long size) {
        static State now(Path path) {
            try {
                var attributes = Files.readAttributes(path, BasicFileAttributes.class);
                return new State(path, Optional.of(attributes.lastModifiedTime()), attributes.size());
            } catch (IOException | RuntimeException e) {
                return new State(path, Optional.empty(), -1);
            }
        }
    }

    static TableFiles now(List<Path> read) {
        return new TableFiles(Instant.now(), read.stream().map(State::now).toList());
    }

    /** Whether any of them has changed since: a reload would read another table. */
    boolean changed() {
        return !states.equals(now(states.stream().map(State::path).toList()).states);
    }
}
