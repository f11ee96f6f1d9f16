package org.jinetd.daemon.launch.program;

import java.util.OptionalInt;

/** How a program ended: its exit status, or the signal that killed it; neither where it is not known. */
public record Exit(int pid, OptionalInt status, OptionalInt signal) {}
