package org.jinetd.daemon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.jinetd.daemon.config.IncludePattern;
import org.jinetd.daemon.config.SmallFile;

/**
 * The table import writes beside ({@code -c}, the one the daemon runs): what it includes, its
 * defaults and its services' names. Read leniently, as YAML alone: a table with problems
 * still says where its files go, and nothing it names (plugins, users) is loaded.
 *
 * @param keys     its top-level keys, in order
 * @param defaults its {@code defaults:}, each value as written (for comments)
 * @param services the names of its own services
 */
record MainTable(Path file, List<String> keys, List<IncludePattern> includes, Map<String, String> defaults,
                 Set<String> services) {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** The table at {@code file}; empty where there is none, or it is no map of YAML. */
    static Optional<MainTable> read(Path file) {
        var root = tree(file);
        if (root.isEmpty()) {
            return Optional.empty();
        }
        var top = root.get();
        var keys = new ArrayList<String>();
        top.fieldNames().forEachRemaining(keys::add);
        var includes = new ArrayList<IncludePattern>();
        var include = top.path("include");
        for (var item : include.isArray() ? include : List.of(include)) {
            if (item.isTextual()) {
                IncludePattern.of(file, item.asText()).map(MainTable::realDir).ifPresent(includes::add);
            }
        }
        var defaults = new LinkedHashMap<String, String>();
        top.path("defaults").properties().forEach(e -> defaults.put(e.getKey(),
                e.getValue().isValueNode() ? e.getValue().asText() : e.getValue().toString()));
        return Optional.of(new MainTable(file, keys, includes, defaults, names(top)));
    }

    /** Whether {@code out} is this table's own file. */
    boolean is(Path out) {
        try {
            if (Files.exists(out) && Files.exists(file)) {
                return Files.isSameFile(out, file);
            }
        } catch (IOException e) {
            // compared by name below
        }
        return out.toAbsolutePath().normalize().equals(file.toAbsolutePath().normalize());
    }

    /** Whether {@code out} is, or would be, one of the files this table includes. */
    boolean includes(Path out) {
        return !is(out) && includes.stream().anyMatch(p -> p.names(real(out)));
    }

    /** The include with its directory's links resolved, as {@link #real} resolves a file's. */
    private static IncludePattern realDir(IncludePattern include) {
        try {
            return new IncludePattern(include.dir().toRealPath(), include.name());
        } catch (IOException | RuntimeException e) {
            return include;
        }
    }

    /**
     * A file this table would include, for an import named {@code name}: in the directory of
     * its first glob, where the glob takes {@code NAME.yaml}.
     */
    Optional<Path> place(String name) {
        return includes.stream().filter(IncludePattern::glob)
                .map(p -> p.dir().resolve(name + ".yaml")).filter(this::includes).findFirst();
    }

    /** The names of services the table has already, in itself and in each included file but {@code out}. */
    Set<String> taken(Path out) {
        var taken = new LinkedHashSet<>(services);
        for (var include : includes) {
            for (var other : files(include)) {
                if (!other.toAbsolutePath().normalize().equals(real(out))) {
                    tree(other).ifPresent(t -> taken.addAll(names(t)));
                }
            }
        }
        return taken;
    }

    private static List<Path> files(IncludePattern include) {
        if (!include.glob()) {
            return List.of(include.dir().resolve(include.name()));
        }
        try (Stream<Path> files = Files.list(include.dir())) {
            return files.filter(include::names).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** {@code out} with its directory's links resolved, as the reader would find it. */
    private static Path real(Path out) {
        var absolute = out.toAbsolutePath().normalize();
        try {
            return absolute.getParent().toRealPath().resolve(absolute.getFileName());
        } catch (IOException | RuntimeException e) {
            return absolute;
        }
    }

    private static Set<String> names(JsonNode top) {
        var names = new LinkedHashSet<String>();
        top.path("services").fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** A file's YAML map, read as the table is (regular, bounded, with a deadline); empty where it is none. */
    private static Optional<JsonNode> tree(Path file) {
        try {
            var root = YAML.readTree(SmallFile.read(file, SmallFile.TABLE_CAP));
            return root != null && root.isObject() ? Optional.of(root) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
