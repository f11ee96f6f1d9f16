package org.jinetd.daemon.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import org.jinetd.daemon.config.Service;

/** The table of services that {@code list} and {@code check} print: name, protocol, address, launch. */
final class ServiceRows {
    private ServiceRows() {}

    static void print(List<Service> services, PrintWriter out) {
        var rows = new ArrayList<String[]>();
        rows.add(new String[] {"NAME", "PROTOCOL", "ADDRESS", "LAUNCH"});
        for (var s : services) {
            var launch = s.launch().shown() + (s.disabled() ? " [disabled]" : "");
            rows.add(new String[] {s.name(), s.endpoint().transport().key(), s.endpoint().shown(), launch});
        }
        var widths = new int[3];
        for (var row : rows) {
            for (int i = 0; i < widths.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        for (var row : rows) {
            var format = "%-" + widths[0] + "s  %-" + widths[1] + "s  %-" + widths[2] + "s  %s";
            out.println(format.formatted(row[0], row[1], row[2], row[3]));
        }
        out.flush();
    }
}
