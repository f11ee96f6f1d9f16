package org.jinetd.daemon.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code include:}: further files of services, by path or glob ({@code conf.d/*.yaml}),
 * relative to the including table, read in name order. An included file holds a
 * {@code services:} map only; the main table's defaults apply to it. Each problem is
 * reported in its own file.
 */
final class Includes {
    /** Included files in one table: each may be 1 MiB, and all are read at every reload. */
    static final int MAX_FILES = 1_000;

    private final Fields fields;
    private final List<Problem> problems;
    private final Trust trust;
    /** The files and directories it looked at: a change to any may change what a reload reads. */
    private final List<Path> looked = new ArrayList<>();

    Includes(Fields fields, List<Problem> problems, Trust trust) {
        this.fields = fields;
        this.problems = problems;
        this.trust = trust;
    }

    /** The service entries of every included file, in order. */
    List<Node.Entry> read(Path including, Node.Entry entry) {
        var out = new ArrayList<Node.Entry>();
        var patterns = fields.strings(entry);
        if (patterns.isEmpty()) {
            return out;
        }
        int files = 0;
        for (var pattern : patterns.get()) {
            for (var file : expand(including, pattern)) {
                if (++files > MAX_FILES) {
                    fields.problem(pattern.mark(), "more than %d included files".formatted(MAX_FILES),
                            "at most %d files, each of at most 1 MiB".formatted(MAX_FILES));
                    return out;
                }
                looked.add(file);
                out.addAll(services(file));
            }
        }
        return out;
    }

    private List<Path> expand(Path including, Node.Scalar pattern) {
        var path = fields.path(pattern, "include");
        if (path.isEmpty()) {
            return List.of();
        }
        var include = IncludePattern.of(including, pattern.text());
        if (include.isEmpty()) {
            return List.of();
        }
        var full = include.get().path();
        var written = "include '" + Node.token(pattern.text()) + "'";
        if (!include.get().glob()) {
            if (Files.isDirectory(full)) {
                // An include names files: the directory's own are what was meant.
                fields.problem(pattern.mark(), written + " is a directory", "a file, or a glob of its files: "
                        + "include: ['" + Node.token(pattern.text().replaceAll("/+$", "")) + "/*.yaml']");
                return List.of();
            }
            // Not "!exists": a directory this user may not search hides a file; its read says why.
            if (Files.notExists(full)) {
                fields.problem(pattern.mark(), written + ": no such file", "a file, or a glob");
                return List.of();
            }
            // Its kind, size and trust are checked when it is read, and reported in its name.
            return List.of(full);
        }
        var dir = include.get().dir();
        if (Files.notExists(dir)) {
            fields.problem(pattern.mark(), written + ": no directory " + dir, "a directory");
            return List.of();
        }
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            fields.problem(pattern.mark(), written + ": " + dir + " is not a directory", "a directory");
            return List.of();
        }
        // Whoever may add a file to the directory decides what its glob includes.
        var refusal = trust.refusal(dir);
        if (refusal.isPresent()) {
            fields.problem(pattern.mark(), written + ": " + dir + " " + refusal.get().what(),
                    refusal.get().expected());
            return List.of();
        }
        var matcher = include.get().matcher();
        // A file added to it or taken from it changes what the glob names: the directory's own time says so.
        looked.add(dir);
        try (var files = Files.list(dir)) {
            // A glob that matches nothing is an empty conf.d, not a mistake. A FIFO or device
            // that matches is read, and refused by name; a directory that matches is no file.
            return files.filter(f -> matcher.matches(f.getFileName()) && !Files.isDirectory(f))
                    .sorted().limit(MAX_FILES + 1).toList();
        } catch (IOException e) {
            fields.problem(pattern.mark(), written + ": cannot list " + dir + ": " + Unreadable.reason(e),
                    e instanceof java.nio.file.AccessDeniedException ? Unreadable.fix("directory") : "a readable directory");
            return List.of();
        }
    }

    /** The included files read and the directories globbed, in the order they were. */
    List<Path> looked() {
        return List.copyOf(looked);
    }

    private List<Node.Entry> services(Path file) {
        var root = new YamlReader(file, problems, trust).read();
        if (root.isEmpty()) {
            return List.of();
        }
        if (!(root.get() instanceof Node.Mapping top)) {
            // Not the value itself: a file that is no table (/etc/shadow) must not reach a log.
            fields.problem(root.get().mark(), "the included file is " + Node.shape(root.get()) + ", not a map",
                    "a map with a 'services:' key");
            return List.of();
        }
        var defaults = top.entries().get("defaults");
        if (defaults != null) {
            // A table of its own written where an include was meant (jinetd import without -o conf.d/...).
            fields.problem(defaults.key().mark(), "'defaults' in an included file", "services: alone; the defaults"
                    + " of the including table apply here: write these keys into each service (jinetd import -o"
                    + " conf.d/NAME.yaml does)");
        }
        var others = new java.util.LinkedHashMap<>(top.entries());
        others.remove("defaults");
        fields.rejectUnknown(new Node.Mapping(others, top.mark()), List.of("services"), "key of an included file");
        var services = top.entries().get("services");
        if (services == null) {
            return List.of();
        }
        return fields.mapping(services) instanceof Node.Mapping all ? List.copyOf(all.entries().values()) : List.of();
    }
}
