package dev.lanes.bench.gemm;

import dev.lanes.bench.models.SteadyState;
import dev.lanes.simd.Activation;
import dev.lanes.simd.Epilogue;
import dev.lanes.simd.PackedB;
import dev.lanes.simd.PackedGemm;
import dev.lanes.simd.Parallel;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A transformer encoder's four weight products on one thread, with the weights hot and as a model streams them: the
 * per-layer products of an encoder of {@code LAYERS} layers (hidden H, FFN F: QKV H→3H, attention output H→H,
 * intermediate H→F, output F→H, M rows each; no epilogue, or with {@code --epilogues} BERT's: bias, + residual after the
 * attention output and the output, GELU (erf) after the intermediate) are timed call by call, either each shape again and again on
 * one weight matrix ("hot": B stays in L2/L3) or layer after layer on every layer's own weights ("streamed": all-MiniLM-
 * L6-v2's 6 × 7 MB do not fit the 32 MB L3, so each product reads its B from memory, as in the model). The gap between
 * the two is what the weights' trip from memory costs each GEMM; per shape the minimum and median ms per call and the
 * GFLOP/s of the minimum, and the streamed products again without any epilogue (in their own pass over the layers, so
 * that their weights too come from memory): the epilogues' cost in the same minute. Warm-up: {@link SteadyState#SESSION_WARMUP_NANOS} (C2 compiles the kernels for ~20 s).
 *
 * <pre>
 * flock /work/measure.lock taskset -c 0 java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar \
 *     dev.lanes.bench.gemm.TransformerGemmProbe [--epilogues] [M H F LAYERS ROUNDS]      (default 128 384 1536 6 200: MiniLM)
 * </pre>
 */
public final class TransformerGemmProbe {
    private TransformerGemmProbe() {}

    private static final String[] NAMES = {"qkv", "attn-out", "intermediate", "output"};

    public static void main(String[] args) {
        boolean epilogues = args.length > 0 && args[0].equals("--epilogues");
        if (epilogues) args = Arrays.copyOfRange(args, 1, args.length);
        int m = args.length > 0 ? Integer.parseInt(args[0]) : 128;
        int h = args.length > 1 ? Integer.parseInt(args[1]) : 384;
        int f = args.length > 2 ? Integer.parseInt(args[2]) : 1536;
        int layers = args.length > 3 ? Integer.parseInt(args[3]) : 6;
        int rounds = args.length > 4 ? Integer.parseInt(args[4]) : 200;
        if (m < 1 || h < 1 || f < 1 || layers < 1 || rounds < 1) throw new IllegalArgumentException("M H F LAYERS ROUNDS must be >= 1");
        int[][] kn = {{h, 3 * h}, {h, h}, {h, f}, {f, h}};
        SplittableRandom rnd = new SplittableRandom(7);
        PackedB[][] w = new PackedB[layers][4];
        for (int l = 0; l < layers; l++) {
            for (int s = 0; s < 4; s++) w[l][s] = PackedGemm.packB(kn[s][0], kn[s][1], random(rnd, kn[s][0] * kn[s][1]), 0, kn[s][1], false);
        }
        float[][] a = new float[4][], c = new float[4][];
        Epilogue[] ep = new Epilogue[4];
        float[] residual = random(rnd, m * h);
        for (int s = 0; s < 4; s++) {
            a[s] = random(rnd, m * kn[s][0]);
            c[s] = new float[m * kn[s][1]];
            ep[s] = Epilogue.NONE;
            if (epilogues) {
                ep[s] = Epilogue.NONE.withBiasPerColumn(random(rnd, kn[s][1]), 0);
                if (s == 1 || s == 3) ep[s] = ep[s].withResidual(residual, 0, h);
                if (s == 2) ep[s] = ep[s].withActivation(Activation.GELU_ERF);
            }
        }
        Parallel one = Parallel.callerOnly();
        long until = System.nanoTime() + SteadyState.SESSION_WARMUP_NANOS;
        while (System.nanoTime() < until) {
            for (int l = 0; l < layers; l++) for (int s = 0; s < 4; s++) call(m, kn[s], a[s], w[l][s], c[s], ep[s], one);
        }
        long[][] hot = new long[4][rounds], streamed = new long[4][rounds * layers], bare = new long[4][rounds * layers];
        for (int r = 0; r < rounds; r++) {
            for (int l = 0; l < layers; l++) {
                for (int s = 0; s < 4; s++) streamed[s][r * layers + l] = call(m, kn[s], a[s], w[l][s], c[s], ep[s], one);
            }
            for (int s = 0; s < 4; s++) hot[s][r] = call(m, kn[s], a[s], w[0][s], c[s], ep[s], one);
            for (int l = 0; l < layers; l++) {
                for (int s = 0; s < 4; s++) bare[s][r * layers + l] = call(m, kn[s], a[s], w[l][s], c[s], Epilogue.NONE, one);
            }
        }
        System.out.printf(Locale.ROOT, "M=%d H=%d F=%d, %d layers, %d rounds, 1 thread, %s; %s%n", m, h, f, layers, rounds,
                epilogues ? "the model's epilogues" : "no epilogue", PackedGemm.configuration());
        System.out.println("| product | M×K×N | hot min / median ms | GFLOP/s | streamed min / median ms | GFLOP/s | streamed / hot (median) | streamed, no epilogue, min / median ms |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        double sumHot = 0, sumStreamed = 0, sumBare = 0;
        for (int s = 0; s < 4; s++) {
            double flops = 2.0 * m * kn[s][0] * kn[s][1];
            Arrays.sort(hot[s]);
            Arrays.sort(streamed[s]);
            Arrays.sort(bare[s]);
            double hMin = hot[s][0] / 1e6, hMed = hot[s][rounds / 2] / 1e6;
            double sMin = streamed[s][0] / 1e6, sMed = streamed[s][streamed[s].length / 2] / 1e6;
            double bMin = bare[s][0] / 1e6, bMed = bare[s][bare[s].length / 2] / 1e6;
            sumHot += hMed;
            sumStreamed += sMed;
            sumBare += bMed;
            System.out.printf(Locale.ROOT, "| %s | %d×%d×%d | %.4f / %.4f | %.0f | %.4f / %.4f | %.0f | %.3f | %.4f / %.4f |%n", NAMES[s], m, kn[s][0], kn[s][1],
                    hMin, hMed, flops / hMin / 1e6, sMin, sMed, flops / sMin / 1e6, sMed / hMed, bMin, bMed);
        }
        System.out.printf(Locale.ROOT, "one layer's products, sum of medians: hot %.4f ms, streamed %.4f ms (%.3f), streamed without epilogues %.4f ms%n",
                sumHot, sumStreamed, sumStreamed / sumHot, sumBare);
    }

    private static long call(int m, int[] kn, float[] a, PackedB b, float[] c, Epilogue ep, Parallel par) {
        long t0 = System.nanoTime();
        PackedGemm.gemm(m, kn[1], kn[0], a, 0, kn[0], false, 1f, b, c, 0, kn[1], 0f, ep, par);
        return System.nanoTime() - t0;
    }

    private static float[] random(SplittableRandom rnd, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) rnd.nextDouble(-1, 1);
        return x;
    }
}
