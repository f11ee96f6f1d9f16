package org.jinetd.daemon.config;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;
import org.jinetd.handler.HandlerProvider;

/**
 * The handler providers that services may name: the built-ins (and any others on the class
 * path), then those of the plugin jars, each found with {@link ServiceLoader}. A provider is
 * named by its {@code name()} or its class name. A plugin jar that provides nothing, fails to
 * load a provider, or provides a name that is already taken is a problem of the table, with
 * the jar's name (and the other jar's, or "built-in"): no jar is half-loaded, and none wins
 * a name by its place in the directory.
 */
public final class Providers {
    /** How a clash with the class path's providers names them. */
    private static final String BUILT_IN = "built-in";
    /** A plugin's handler name: written in tables, shown in logs. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    /** A jar's problems reported before the rest are left unsaid (a jar may list any number of providers). */
    private static final int MOST_PROBLEMS = 10;
    private static final String SERVICES = "META-INF/services/" + HandlerProvider.class.getName();

    /** A provider, and the plugin jar it came from (none for the class path's). */
    record Found(HandlerProvider provider, Optional<PluginJar> jar) {
        /** The context class loader while its code runs: its jar's, or the one that loaded it. */
        ClassLoader loader() {
            return jar.map(PluginJar::loader).orElseGet(() -> provider.getClass().getClassLoader());
        }
    }

    private final Map<String, Found> byName;
    private final Map<String, String> broken;

    private Providers(Map<String, Found> byName, Map<String, String> broken) {
        this.byName = Map.copyOf(byName);
        this.broken = Map.copyOf(broken);
    }

    /** Every provider visible to {@code loader}; the first of a name wins. */
    public static Providers from(ClassLoader loader) {
        var found = new LinkedHashMap<String, Found>();
        var broken = new LinkedHashMap<String, String>();
        var iterator = ServiceLoader.load(HandlerProvider.class, loader).iterator();
        try {
            while (iterator.hasNext()) {
                var provider = iterator.next();
                var one = new Found(provider, Optional.empty());
                found.putIfAbsent(provider.name(), one);
                found.putIfAbsent(provider.getClass().getName(), one);
            }
        } catch (ServiceConfigurationError | LinkageError | RuntimeException e) {
            broken.put("the class path", e.getMessage() == null ? e.toString() : e.getMessage());
        }
        return new Providers(found, broken);
    }

    public static Providers installed() {
        return from(Providers.class.getClassLoader());
    }

    /**
     * These providers and those of {@code jars}, for one table. Every jar that provides no
     * handler, cannot load one, or provides a name already taken is told to {@code problem}
     * (what, expected), named by its file.
     */
    Providers with(List<PluginJar> jars, BiConsumer<String, String> problem) {
        var found = new LinkedHashMap<>(byName);
        var from = new HashMap<String, String>();
        byName.keySet().forEach(key -> from.put(key, BUILT_IN));
        for (var jar : jars) {
            add(jar, found, from, problem);
        }
        return new Providers(found, broken);
    }

    private static void add(PluginJar jar, Map<String, Found> found, Map<String, String> from,
                            BiConsumer<String, String> problem) {
        var thread = Thread.currentThread();
        var context = thread.getContextClassLoader();
        // A provider's constructor that looks for its own resources finds them in its jar.
        thread.setContextClassLoader(jar.loader());
        int provided = 0;
        int problems = 0;
        try {
            var iterator = ServiceLoader.load(HandlerProvider.class, jar.loader()).iterator();
            while (problems < MOST_PROBLEMS) {
                HandlerProvider provider;
                try {
                    // The next provider's class is loaded and its constructor run here.
                    provider = PluginCall.within(jar.loader(), "a provider's constructor",
                            () -> iterator.hasNext() ? iterator.next() : null);
                    if (provider == null) {
                        break;
                    }
                } catch (PluginCall.Hung e) {
                    problems++;
                    problem.accept(jar.name() + ": " + e.getMessage(), "providers that return at once");
                    break;
                } catch (ServiceConfigurationError | LinkageError | RuntimeException e) {
                    problems++;
                    problem.accept(jar.name() + ": " + failure(e),
                            "provider classes with a public constructor that takes nothing, and every class they need, "
                                    + "in the jar");
                    continue;
                }
                provided++;
                var type = provider.getClass().getName();
                String name;
                try {
                    name = PluginCall.within(jar.loader(), "name()", provider::name);
                } catch (PluginCall.Hung e) {
                    problems++;
                    problem.accept(jar.name() + ": provider " + type + ": " + e.getMessage(),
                            "providers that return at once");
                    break;
                } catch (LinkageError | RuntimeException e) {
                    problems++;
                    problem.accept(jar.name() + ": provider " + type + ": name() threw " + failure(e),
                            "a name() that returns the handler's name");
                    continue;
                }
                if (name == null || !NAME.matcher(name).matches()) {
                    problems++;
                    problem.accept(jar.name() + ": provider " + type + " has the name "
                            + (name == null ? "null" : "'" + Node.token(name) + "'"),
                            "a name of letters, digits, '.', '_' and '-', at most 64 characters");
                    continue;
                }
                var one = new Found(provider, Optional.of(jar));
                var clash = clash(name, "handler", from, jar).or(() -> clash(type, "handler class", from, jar));
                if (clash.isPresent()) {
                    problems++;
                    problem.accept(clash.get(), "one provider of each name; remove or rename one of them");
                    continue;
                }
                found.put(name, one);
                found.putIfAbsent(type, one);
                from.put(name, jar.name());
                from.putIfAbsent(type, jar.name());
            }
        } finally {
            thread.setContextClassLoader(context);
        }
        if (provided == 0 && problems == 0) {
            problem.accept(jar.name() + ": provides no handler",
                    "a jar that lists its providers in " + SERVICES);
        }
    }

    /** Why {@code key} cannot be {@code jar}'s: another jar, or a built-in, has it. */
    private static Optional<String> clash(String key, String kind, Map<String, String> from, PluginJar jar) {
        var other = from.get(key);
        if (other == null) {
            return Optional.empty();
        }
        return Optional.of("%s: %s '%s' is already provided by %s".formatted(jar.name(), kind, key,
                other.equals(jar.name()) ? "another provider of " + other : other));
    }

    /** A provider that could not be loaded, in one line: what ServiceLoader says, and the first cause. */
    private static String failure(Throwable e) {
        if (!(e instanceof ServiceConfigurationError)) {
            return oneLine(e.toString());
        }
        var message = String.valueOf(e.getMessage()).replace(HandlerProvider.class.getName() + ": ", "");
        var cause = e.getCause();
        // An initializer that threw is known by what it threw.
        while (cause != null && cause.getCause() != null && cause instanceof ExceptionInInitializerError) {
            cause = cause.getCause();
        }
        return oneLine(cause == null ? message : message + ": " + cause);
    }

    /** A plugin's words, made fit for one line of a message. */
    private static String oneLine(String text) {
        var line = text.replaceAll("\\p{Cntrl}", "?");
        return line.length() > 300 ? line.substring(0, 300) + "..." : line;
    }

    Optional<Found> named(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** The known names (not class names), sorted, for messages. */
    public List<String> names() {
        return byName.entrySet().stream().filter(e -> e.getKey().equals(e.getValue().provider().name()))
                .map(Map.Entry::getKey).sorted().toList();
    }

    /** The class path's providers, if they could not be loaded, with why. */
    Map<String, String> broken() {
        return broken;
    }
}
