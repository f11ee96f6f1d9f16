package org.jinetd.daemon.launch;

import java.util.OptionalInt;

/** How a program ended: its exit status, or the signal that killed it; neither where it is not known. */
record Exit(int pid, OptionalInt status, OptionalInt signal) {}
