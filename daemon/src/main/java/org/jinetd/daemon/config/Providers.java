package org.jinetd.daemon.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import org.jinetd.handler.HandlerProvider;

/**
 * The handler providers that services may name: the built-ins and any others on the class
 * path, then those of the plugin jars, each found with {@link ServiceLoader}. A provider is
 * named by its {@code name()} or its class name. Jars that could not be loaded are kept
 * with their reason, for the services that look in vain.
 */
public final class Providers {
    private final Map<String, HandlerProvider> byName;
    private final Map<String, String> broken;

    private Providers(Map<String, HandlerProvider> byName, Map<String, String> broken) {
        this.byName = Map.copyOf(byName);
        this.broken = Map.copyOf(broken);
    }

    /** Every provider visible to {@code loader}; the first of a name wins. */
    public static Providers from(ClassLoader loader) {
        var found = new LinkedHashMap<String, HandlerProvider>();
        var broken = new LinkedHashMap<String, String>();
        add(loader, found, broken, "the class path");
        return new Providers(found, broken);
    }

    public static Providers installed() {
        return from(Providers.class.getClassLoader());
    }

    /** These providers and those of {@code jars} (each with its own class loader), for one table. */
    Providers with(List<Plugins.Jar> jars) {
        var found = new LinkedHashMap<>(byName);
        var broken = new LinkedHashMap<>(this.broken);
        for (var jar : jars) {
            jar.failure().ifPresentOrElse(why -> broken.put(jar.path().toString(), why),
                    () -> add(jar.loader(), found, broken, jar.path().toString()));
        }
        return new Providers(found, broken);
    }

    private static void add(ClassLoader loader, Map<String, HandlerProvider> found, Map<String, String> broken,
                            String where) {
        var iterator = ServiceLoader.load(HandlerProvider.class, loader).iterator();
        while (true) {
            try {
                if (!iterator.hasNext()) {
                    return;
                }
                var provider = iterator.next();
                // A plugin's jar may see the class path's providers too: each is taken once.
                if (!found.containsValue(provider) && found.values().stream()
                        .noneMatch(p -> p.getClass().equals(provider.getClass()))) {
                    found.putIfAbsent(provider.name(), provider);
                    found.putIfAbsent(provider.getClass().getName(), provider);
                }
            } catch (ServiceConfigurationError | LinkageError | RuntimeException e) {
                broken.put(where, e.getMessage() == null ? e.toString() : e.getMessage());
                return;
            }
        }
    }

    Optional<HandlerProvider> named(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** The known names (not class names), sorted, for messages. */
    public List<String> names() {
        return byName.entrySet().stream().filter(e -> e.getKey().equals(e.getValue().name()))
                .map(Map.Entry::getKey).sorted().toList();
    }

    /** Plugin jars (or the class path) that could not be loaded, with why. */
    Map<String, String> broken() {
        return broken;
    }
}
