package org.jinetd.daemon.proxy;

/**
 * Which versions of the PROXY header a listener takes. The spec forbids guessing whether a header
 * is there at all; this only says which of its two forms is welcome once one is required.
 */
public enum Accept {
    /** The text line only: {@code PROXY TCP4 ...\r\n}. */
    V1,
    /** The binary header only. */
    V2,
    /** Either; the first byte tells them apart ({@code P} or CR). */
    ANY
}
