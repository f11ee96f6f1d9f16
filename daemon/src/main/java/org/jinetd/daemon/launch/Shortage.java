package org.jinetd.daemon.launch;

/**
 * Where a launcher reports that the machine is short of something (a spawn failing with
 * EAGAIN or ENOMEM), so that the listener waits before taking the next connection instead
 * of failing each one at full speed, and says so once per stretch.
 */
public interface Shortage {
    Shortage NONE = new Shortage() {
        @Override
        public void failed(String reason) {
        }

        @Override
        public void succeeded() {
        }
    };

    void failed(String reason);

    void succeeded();

    /** EAGAIN or ENOMEM: the machine, not the program, is short. */
    static boolean isShortage(int errno) {
        return errno == 11 || errno == 12;
    }
}
