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
    public static final Resources NONE = new Resources(Map.of(), OptionalInt.empty(), OptionalInt.empty(),
            Optional.empty());

    public Resources {
        rlimits = Map.copyOf(rlimits);
    }

    /** Whether anything here needs a wrapper program (everything but cwd does). */
    public boolean wrapped() {
        return !rlimits.isEmpty() || nice.isPresent() || umask.isPresent();
    }
}
