package org.jinetd.daemon.config;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code include:}: further files of services, by path or glob ({@code conf.d/*.yaml}),
 * relative to the including table, read in name order. An included file holds a
 * {@code services:} map only; the main table's defaults apply to it. Each problem is
 * reported in its own file.
 */
final class Includes {
    private final Fields fields;
    private final List<Problem> problems;

    Includes(Fields fields, List<Problem> problems) {
        this.fields = fields;
        this.problems = problems;
    }

    /** The service entries of every included file, in order. */
    List<Node.Entry> read(Path including, Node.Entry entry) {
        var out = new ArrayList<Node.Entry>();
        var patterns = fields.strings(entry);
        if (patterns.isEmpty()) {
            return out;
        }
        var base = including.toAbsolutePath().getParent();
        for (var pattern : patterns.get()) {
            for (var file : expand(base, pattern)) {
                out.addAll(services(file));
            }
        }
        return out;
    }

    private List<Path> expand(Path base, Node.Scalar pattern) {
        var path = base.resolve(pattern.text());
        var name = path.getFileName().toString();
        if (!name.contains("*") && !name.contains("?") && !name.contains("[")) {
            if (!Files.isRegularFile(path)) {
                fields.problem(pattern.mark(), "include '" + pattern.text() + "': no such file", "a file, or a glob");
                return List.of();
            }
            return List.of(path);
        }
        var dir = path.getParent();
        if (!Files.isDirectory(dir)) {
            fields.problem(pattern.mark(), "include '" + pattern.text() + "': no directory " + dir, "a directory");
            return List.of();
        }
        var matcher = FileSystems.getDefault().getPathMatcher("glob:" + name);
        try (var files = Files.list(dir)) {
            // A glob that matches nothing is an empty conf.d, not a mistake.
            return files.filter(f -> matcher.matches(f.getFileName()) && Files.isRegularFile(f)).sorted().toList();
        } catch (IOException e) {
            fields.problem(pattern.mark(), "include '" + pattern.text() + "': " + YamlReader.reason(e), "a readable directory");
            return List.of();
        }
    }

    private List<Node.Entry> services(Path file) {
        var root = new YamlReader(file, problems).read();
        if (root.isEmpty()) {
            return List.of();
        }
        if (!(root.get() instanceof Node.Mapping top)) {
            fields.problem(root.get().mark(), "the included file is " + Node.describe(root.get()),
                    "a map with a 'services:' key");
            return List.of();
        }
        fields.rejectUnknown(top, List.of("services"), "key of an included file");
        var services = top.entries().get("services");
        if (services == null) {
            return List.of();
        }
        return fields.mapping(services) instanceof Node.Mapping all ? List.copyOf(all.entries().values()) : List.of();
    }
}
