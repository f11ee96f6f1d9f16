package org.jinetd.daemon.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import org.jinetd.daemon.config.Service;

/** The table of services that {@code list} and {@code check} print: name, protocol, address, launch. */
final class ServiceRows {
    private ServiceRows() {}

    static void print(List<Service> services, PrintWriter out) {
        var rows = new ArrayList<List<String>>();
        rows.add(List.of("NAME", "PROTOCOL", "ADDRESS", "LAUNCH"));
        for (var s : services) {
            rows.add(List.of(s.name(), s.endpoint().transport().key(), s.endpoint().shown(),
                    s.shownLaunch() + (s.disabled() ? " [disabled]" : "")));
        }
        Columns.print(rows, out);
    }
}
