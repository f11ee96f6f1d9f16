package org.jinetd.daemon.launch;

import java.util.Optional;
import org.jinetd.daemon.policy.Admission;

/**
 * Policy, asked once, with the client identify fixed: access lists, the service's instances,
 * the client's share, its source's rate. Never waits: a turn to wait for is {@link Turn}'s.
 */
final class Admit implements Step {
    @Override
    public boolean waits(Passage passage) {
        return false;
    }

    @Override
    public boolean pass(Passage passage) {
        return switch (passage.admission().admit(passage.client(), passage.service())) {
            case Admission.Verdict.Refused refused -> {
                passage.refuse(refused.reason(), !refused.counted(), Optional.empty());
                yield false;
            }
            case Admission.Verdict.Admitted admitted -> {
                passage.admitted(admitted.ticket(), admitted.delay());
                yield true;
            }
        };
    }
}
