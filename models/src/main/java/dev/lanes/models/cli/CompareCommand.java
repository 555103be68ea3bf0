package dev.lanes.models.cli;

import dev.lanes.graph.Session;
import dev.lanes.graph.Tensor;
import dev.lanes.graph.Backend;
import dev.lanes.models.inspect.BackendComparison;
import dev.lanes.models.inspect.ModelSource;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/** {@code lanes compare}: the fast backend against the reference backend, node by node. */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = {"Runs a model on the fast and on the reference backend with the same input and prints the",
            "largest error of every node's outputs, naming the first node whose error is over the tolerance.",
            "Exit code 3 when a node diverges."})
final class CompareCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin ModelOptions opts;

    @Option(names = "--tolerance", defaultValue = "1e-4",
            description = "Allowed error relative to the node's largest reference magnitude (at least 1); default ${DEFAULT-VALUE}.")
    double tolerance;

    @Option(names = "--all", description = "Print every node, not only the worst ones and the first divergent one.")
    boolean all;

    @Override
    public Integer call() throws IOException {
        ModelSource src = opts.source();
        Map<String, Tensor> inputs;
        try (Session s = Session.open(src.path(), SessionFactory.options(1, Backend.REFERENCE))) {
            inputs = opts.inputs(src, s);
        }
        int t = SessionFactory.options(opts.threads, Backend.FAST).threads();
        BackendComparison c = BackendComparison.run(src.path(), t, inputs, tolerance);
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "%s: fast vs reference backend, %d nodes, tolerance %.1e (relative to max(1, |reference|))%n",
                src.displayName(), c.nodes().size(), tolerance);
        java.util.List<Integer> shown = new java.util.ArrayList<>();
        if (all) {
            for (int i = 0; i < c.nodes().size(); i++) shown.add(i);
        } else {
            java.util.List<Integer> order = new java.util.ArrayList<>();
            for (int i = 0; i < c.nodes().size(); i++) order.add(i);
            order.sort((a, b) -> Double.compare(rank(c.nodes().get(b)), rank(c.nodes().get(a))));
            shown.addAll(order.subList(0, Math.min(10, order.size())));
            if (c.firstDivergent() >= 0 && !shown.contains(c.firstDivergent())) shown.add(c.firstDivergent());
            shown.sort(null);
            out.println("  the 10 nodes with the largest errors, in schedule order:");
        }
        for (int i : shown) {
            BackendComparison.NodeError e = c.nodes().get(i);
            out.printf(Locale.ROOT, "  %4d %-40s %-16s max |err| %.3e  max |ref| %.3e%s%n", i, Format.clipLeft(e.node().name(), 40), e.node().opType(),
                    e.maxAbsError(), e.maxAbsRef(), e.shapeMismatch() != null ? "  " + e.shapeMismatch() : e.exceeds(tolerance) ? "  OVER" : "");
        }
        if (c.firstDivergent() < 0) {
            out.printf(Locale.ROOT, "no node diverges; the largest error is %.3e relative to max(1, |reference|) (%.3e absolute)%n",
                    c.maxRelativeError(), c.maxError());
            out.flush();
            return 0;
        }
        BackendComparison.NodeError first = c.nodes().get(c.firstDivergent());
        out.printf(Locale.ROOT, "first divergent node: #%d %s (%s), max |err| %.3e%n", c.firstDivergent(), first.node().name(),
                first.node().opType(), first.maxAbsError());
        out.flush();
        return 3;
    }

    private static double rank(BackendComparison.NodeError e) {
        if (e.shapeMismatch() != null || Double.isNaN(e.maxAbsError())) return Double.POSITIVE_INFINITY;
        return e.maxAbsError() / Math.max(1, e.maxAbsRef());
    }
}
