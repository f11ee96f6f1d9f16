package org.jinetd.daemon.config;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What a program may use, set before its first instruction.
 *
 * @param rlimits by prlimit's names (nofile, nproc, as, cpu, core, fsize); -1 is unlimited
 * @param nice    its scheduling niceness
 * @param umask   its file creation mask
 * @param cwd     its working directory ({@code /} when absent)
 */
public record Resources(Map<String, Long> rlimits, OptionalInt nice, OptionalInt umask, Optional<String> cwd) {
    public Resources {
        rlimits = Map.copyOf(rlimits);
    }
}
