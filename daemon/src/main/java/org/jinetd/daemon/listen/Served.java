package org.jinetd.daemon.listen;

import org.jinetd.daemon.launch.DatagramLauncher;
import org.jinetd.daemon.launch.Spawner;
import org.jinetd.daemon.launch.Way;
import org.jinetd.daemon.log.ConnectionLog;
import org.jinetd.daemon.policy.Global;
import org.jinetd.daemon.policy.Reflection;
import org.jinetd.daemon.policy.ReplyBudget;
import org.jinetd.daemon.tls.ServerContexts;

/** What a listener hands its connections to, and where it reports. */
public record Served(Way way, DatagramLauncher datagrams, Spawner spawner, Global global,
                     Reflection reflection, ReplyBudget replies, ServerContexts contexts, ConnectionLog log) {}
