package org.jinetd.daemon.config;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeMap;
import org.jinetd.handler.HandlerProvider;

/** The handler providers that services may name, found with {@link ServiceLoader}. */
public final class Providers {
    private final Map<String, HandlerProvider> byName;

    private Providers(Map<String, HandlerProvider> byName) {
        this.byName = Map.copyOf(byName);
    }

    /** Every provider visible to {@code loader}; the first of a name wins. */
    public static Providers from(ClassLoader loader) {
        var found = new TreeMap<String, HandlerProvider>();
        for (var provider : ServiceLoader.load(HandlerProvider.class, loader)) {
            found.putIfAbsent(provider.name(), provider);
        }
        return new Providers(found);
    }

    public static Providers installed() {
        return from(Providers.class.getClassLoader());
    }

    Optional<HandlerProvider> named(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** The known names, sorted, for messages. */
    public List<String> names() {
        return byName.keySet().stream().sorted().toList();
    }
}
