import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassFileVersion;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeTransform;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * Rewrites, in place, the classes of a jar that are older than Java 6 (class-file version
 * below 50) as version 52 classes with stack maps, computed by the JDK's class-file API.
 * The JVM links such an "old class" with the old verifier, and JDK 25 will not store a
 * class linked that way in an AOT cache: every start would load and verify it again from
 * the jar. picocli is compiled for Java 5, and its classes are most of what a short
 * command such as {@code jinetd check} loads.
 *
 * <p>The code of each method is kept as it is; only the version and the stack maps are
 * new. A class that cannot be rewritten (it uses {@code jsr}, say) leaves the whole jar
 * untouched, with a message: the cache is an optimisation.
 *
 * <p>Usage: {@code java ClassVersions.java JAR...}
 */
public final class ClassVersions {
    private static final int MODERN = ClassFile.JAVA_8_VERSION;
    private static final int FIRST_WITH_STACK_MAPS = ClassFile.JAVA_6_VERSION;

    public static void main(String[] args) throws IOException {
        for (var arg : args) {
            rewrite(Path.of(arg));
        }
    }

    private static void rewrite(Path jar) throws IOException {
        var entries = new LinkedHashMap<String, byte[]>();
        try (var in = new ZipInputStream(Files.newInputStream(jar))) {
            for (ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
                entries.put(entry.getName(), in.readAllBytes());
            }
        }
        var classes = ClassFile.of(
                ClassFile.ClassHierarchyResolverOption.of(ClassHierarchyResolver.defaultResolver()
                        .orElse(ClassHierarchyResolver.ofResourceParsing(desc -> {
                            var name = desc.descriptorString();
                            var bytes = entries.get(name.substring(1, name.length() - 1) + ".class");
                            return bytes == null ? null : new ByteArrayInputStream(bytes);
                        }))),
                ClassFile.StackMapsOption.GENERATE_STACK_MAPS);
        var upgrade = ClassTransform.transformingMethodBodies(CodeTransform.ACCEPT_ALL)
                .andThen((builder, element) -> {
                    if (element instanceof ClassFileVersion) {
                        builder.withVersion(MODERN, 0);
                    } else {
                        builder.with(element);
                    }
                });
        var rewritten = new LinkedHashMap<String, byte[]>();
        int count = 0;
        for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
            var bytes = entry.getValue();
            if (entry.getKey().endsWith(".class") && !entry.getKey().startsWith("META-INF/")) {
                try {
                    var model = classes.parse(bytes);
                    if (model.majorVersion() < FIRST_WITH_STACK_MAPS) {
                        bytes = classes.transformClass(model, upgrade);
                        count++;
                    }
                } catch (IllegalArgumentException | IllegalStateException e) {
                    System.err.println("ClassVersions: " + jar + ": " + entry.getKey() + ": " + e.getMessage()
                            + "; the jar is left as it is");
                    return;
                }
            }
            rewritten.put(entry.getKey(), bytes);
        }
        if (count == 0) {
            return;
        }
        var temporary = Files.createTempFile(jar.toAbsolutePath().getParent(), ".classversions", ".jar");
        try (var out = new ZipOutputStream(Files.newOutputStream(temporary))) {
            for (var entry : rewritten.entrySet()) {
                var zipEntry = new ZipEntry(entry.getKey());
                zipEntry.setTime(0);
                out.putNextEntry(zipEntry);
                out.write(entry.getValue());
                out.closeEntry();
            }
        }
        // A temporary file is made 0600: the jar keeps its own mode, or no user but the builder
        // could read it, and `jinetd` run by anyone else fails wherever the AOT cache is not used.
        Files.setPosixFilePermissions(temporary, Files.getPosixFilePermissions(jar));
        Files.move(temporary, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        System.out.println("ClassVersions: " + jar.getFileName() + ": " + count + " classes now version " + MODERN);
    }
}
