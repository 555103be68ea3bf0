package dev.lanes.graph.passes;

import dev.lanes.graph.SessionOptions;
import dev.lanes.graph.ir.Pass;
import java.util.List;

/** The passes a session applies when optimisation is on, in order. */
public final class StandardPasses {
    private StandardPasses() {}

    public static List<Pass> forOptions(SessionOptions options) {
        return List.of();
    }
}
