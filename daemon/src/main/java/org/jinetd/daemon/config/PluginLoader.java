package org.jinetd.daemon.config;

import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.net.URLStreamHandler;
import java.security.CodeSource;
import java.security.SecureClassLoader;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.jinetd.handler.HandlerProvider;

/**
 * The class loader of one plugin jar. It sees the handler API and the JDK, and nothing else
 * of the daemon: not its classes, not its libraries (Jackson, SLF4J, picocli). Every other
 * class and resource comes from the jar alone, so a plugin that bundles a library gets its
 * own copy of it, whatever the daemon has of the same name.
 *
 * <p>It reads from a {@link JarFile} opened on a private copy, never from the plugin
 * directory, so that the file there may be rewritten while connections still run this code.
 */
final class PluginLoader extends SecureClassLoader {
    static {
        registerAsParallelCapable();
    }

    /** A class file larger than this is refused: a zip entry can claim to inflate to anything. */
    private static final int MOST_CLASS = 16 << 20;

    private final JarFile jar;
    /** Where the jar was read from, for {@code CodeSource} and messages. */
    private final URL location;

    PluginLoader(String name, ClassLoader api, JarFile jar, URL location) {
        super(name, api);
        this.jar = jar;
        this.location = location;
    }

    /** The parent of every plugin's loader: the handler API from the daemon, the rest from the JDK. */
    static ClassLoader apiOnly() {
        return new ApiOnly();
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        var entry = entry(name.replace('.', '/').concat(".class"));
        if (entry == null) {
            throw new ClassNotFoundException(name);
        }
        byte[] bytes;
        try (var in = jar.getInputStream(entry)) {
            bytes = in.readNBytes(MOST_CLASS + 1);
        } catch (IOException | RuntimeException e) {
            throw new ClassNotFoundException(name + " (" + getName() + ": " + e.getMessage() + ")", e);
        }
        if (bytes.length > MOST_CLASS) {
            throw new ClassNotFoundException(name + " (" + getName() + ": larger than 16 MiB)");
        }
        // The signers are known once the entry has been read to its end.
        return defineClass(name, bytes, 0, bytes.length, new CodeSource(location, entry.getCodeSigners()));
    }

    @Override
    protected URL findResource(String name) {
        var entry = entry(name);
        if (entry == null) {
            return null;
        }
        try {
            var uri = new URI("jinetd-plugin", null, "/" + getName() + "!/" + entry.getName(), null);
            return URL.of(uri, new EntryHandler(jar, entry));
        } catch (URISyntaxException | MalformedURLException | IllegalArgumentException e) {
            return null;
        }
    }

    @Override
    protected Enumeration<URL> findResources(String name) {
        var url = findResource(name);
        return Collections.enumeration(url == null ? List.of() : List.of(url));
    }

    /** The entry of that name (the version for this JDK, in a multi-release jar), or null; none once closed. */
    private JarEntry entry(String name) {
        try {
            return jar.getJarEntry(name);
        } catch (IllegalStateException e) {
            // Closed: its last connection has ended, and the jar was replaced or removed.
            return null;
        }
    }

    void close() throws IOException {
        jar.close();
    }

    /** Opens a resource of the jar, as {@link ClassLoader#getResourceAsStream} and ServiceLoader do. */
    private static final class EntryHandler extends URLStreamHandler {
        private final JarFile jar;
        private final JarEntry entry;

        EntryHandler(JarFile jar, JarEntry entry) {
            this.jar = jar;
            this.entry = entry;
        }

        @Override
        protected URLConnection openConnection(URL url) {
            return new URLConnection(url) {
                @Override
                public void connect() {
                    connected = true;
                }

                @Override
                public InputStream getInputStream() throws IOException {
                    try {
                        return jar.getInputStream(entry);
                    } catch (IllegalStateException e) {
                        throw new IOException("plugin jar closed", e);
                    }
                }

                @Override
                public long getContentLengthLong() {
                    return entry.getSize();
                }
            };
        }
    }

    /** Only the handler API's own package comes from the daemon; anything else, from the JDK or nowhere. */
    private static final class ApiOnly extends ClassLoader {
        static {
            registerAsParallelCapable();
        }

        private static final String API = HandlerProvider.class.getPackageName() + ".";

        private final ClassLoader daemon = HandlerProvider.class.getClassLoader();

        ApiOnly() {
            super("jinetd handler API", ClassLoader.getPlatformClassLoader());
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (name.startsWith(API) && name.indexOf('.', API.length()) < 0) {
                return Class.forName(name, false, daemon);
            }
            return super.loadClass(name, resolve);
        }
    }
}
