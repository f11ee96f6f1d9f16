package org.jinetd.daemon.convert;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Debian's xinetd applies tcp_wrappers' files to every service; the import says when they held rules. */
class WrappersTest {
    @TempDir
    Path dir;

    @Test
    void rulesOfHostsDenyAreNamedAsLost() throws Exception {
        var allow = dir.resolve("hosts.allow");
        var deny = dir.resolve("hosts.deny");
        Files.writeString(allow, "# only comments\n\n");
        Files.writeString(deny, "# refuse the rest\nALL: ALL\n");
        var conf = dir.resolve("xinetd.conf");
        Files.writeString(conf, "service daytime\n{\n  type = INTERNAL\n  port = 7013\n}\n");
        var yaml = XinetdImport.convert(conf, List.of(allow, deny), XinetdAddress::resolve, java.util.Set.of()).yaml();
        assertTrue(yaml.contains("# " + deny + " has 1 rule, which xinetd (built with libwrap) applied to every service"
                + " without flags NOLIBWRAP; jinetd does not read it: write them as only_from and no_access\n"), yaml);
        assertFalse(yaml.contains(allow.toString()), yaml);
        Files.writeString(conf, "service daytime\n{\n  type = INTERNAL\n  port = 7013\n  flags = NOLIBWRAP\n}\n");
        var unwrapped = XinetdImport.convert(conf, List.of(allow, deny), XinetdAddress::resolve, java.util.Set.of()).yaml();
        assertFalse(unwrapped.contains(deny.toString()), unwrapped);
    }
}
