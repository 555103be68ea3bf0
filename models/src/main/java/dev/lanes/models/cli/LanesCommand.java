package dev.lanes.models.cli;

import dev.lanes.reference.GemmShape;
import dev.lanes.reference.ReferenceGemm;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code lanes} command line. With no sub-command it runs the main job. */
@Command(name = "lanes", mixinStandardHelpOptions = true, version = "lanes 0.1.0",
        subcommands = {OnnxTestCommand.class, RunCommand.class, BuildModelCommand.class},
        description = "A pure-Java inference engine for the CPU.")
public final class LanesCommand implements Callable<Integer> {

    public static void main(String[] args) {
        System.exit(new CommandLine(new LanesCommand()).execute(args));
    }

    @Override
    public Integer call() {
        // Placeholder main job until the graph runtime exists: one reference GEMM, timed.
        int n = 256;
        GemmShape s = GemmShape.of(n, n, n);
        Random r = new Random(1);
        float[] a = new float[n * n], b = new float[n * n], y = new float[n * n];
        for (int i = 0; i < a.length; i++) { a[i] = r.nextFloat(); b[i] = r.nextFloat(); }
        long t0 = System.nanoTime();
        new ReferenceGemm().gemm(s, a, 0, b, 0, null, 0, y, 0);
        double ms = (System.nanoTime() - t0) / 1e6;
        System.out.printf("reference GEMM %dx%dx%d: %.1f ms, %.2f GFLOP/s%n", n, n, n, ms, s.flops() / ms / 1e6);
        return 0;
    }
}
