package org.jinetd.daemon;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class CompilersTest {
    @Test
    void theLastTieredStopAtLevelDecidesWhileTieredCompilationIsOn() {
        assertFalse(Compilers.quickOnly(List.of("java", "-cp", "x", "Main")), "the JVM's default has C2");
        assertTrue(Compilers.quickOnly(List.of("java", "-XX:TieredStopAtLevel=1", "Main")));
        assertTrue(Compilers.quickOnly(List.of("java", "-XX:TieredStopAtLevel=3", "Main")));
        assertFalse(Compilers.quickOnly(List.of("java", "-XX:TieredStopAtLevel=1", "-XX:TieredStopAtLevel=4")),
                "JINETD_JAVA_OPTS comes after the launcher's own flags and wins");
        assertTrue(Compilers.quickOnly(List.of("java", "-XX:TieredStopAtLevel=4", "-XX:TieredStopAtLevel=1")));
        assertFalse(Compilers.quickOnly(List.of("java", "-XX:TieredStopAtLevel=1", "-XX:-TieredCompilation")),
                "without tiered compilation C2 compiles alone");
        assertTrue(Compilers.quickOnly(List.of("-XX:-TieredCompilation", "-XX:+TieredCompilation",
                "-XX:TieredStopAtLevel=1")));
        assertFalse(Compilers.quickOnly(List.of("-XX:TieredStopAtLevel=x")), "a level that is no number changes nothing");
    }
}
