package dev.lanes.models.cli;

import dev.lanes.graph.Backend;
import dev.lanes.graph.DType;
import dev.lanes.graph.NodeTiming;
import dev.lanes.graph.Session;
import dev.lanes.graph.SessionOptions;
import dev.lanes.graph.Tensor;
import dev.lanes.graph.io.Npy;
import dev.lanes.graph.ir.Dim;
import dev.lanes.graph.ir.ValueInfo;
import dev.lanes.graph.onnx.TensorProtos;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lanes run MODEL [--input NAME=FILE ...] [--output-dir DIR]}: runs a model once. Inputs come
 * from {@code .npy} or ONNX TensorProto {@code .pb} files; inputs not given get deterministic random
 * values of their declared shape (symbolic dims from {@code --dim}, else 1); inputs with a stored
 * default keep it. Each output is written to {@code DIR/<output name>.npy} and summarised.
 */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Run an ONNX model once and save its outputs as .npy.")
public final class RunCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "the .onnx file")
    Path model;

    @Option(names = "--input", paramLabel = "NAME=FILE", description = "an input from a .npy or .pb file (repeatable)")
    List<String> inputs = new ArrayList<>();

    @Option(names = "--output-dir", paramLabel = "DIR", defaultValue = "lanes-out", description = "where outputs go (default: ${DEFAULT-VALUE})")
    Path outputDir;

    @Option(names = "--dim", paramLabel = "SYMBOL=N", description = "size of a symbolic dimension for random inputs (repeatable)")
    List<String> dims = new ArrayList<>();

    @Option(names = "--backend", defaultValue = "fast", description = "fast or reference (default: ${DEFAULT-VALUE})")
    String backend;

    @Option(names = "--threads", defaultValue = "0", description = "intra-op threads (default: all processors)")
    int threads;

    @Option(names = "--seed", defaultValue = "42", description = "seed of the random inputs (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--profile", description = "print the ten slowest nodes")
    boolean profile;

    @Override
    public Integer call() throws IOException {
        try {
            return runModel();
        } catch (dev.lanes.graph.ModelException | IllegalArgumentException e) {
            System.err.println("lanes run: " + e.getMessage());
            return 1;
        }
    }

    private int runModel() throws IOException {
        SessionOptions opts = SessionOptions.defaults().withBackend(backend(backend)).withProfiling(profile);
        if (threads > 0) {
            opts = opts.withThreads(threads);
        }
        Map<String, Integer> symbols = new HashMap<>();
        for (String d : dims) {
            String[] kv = split(d, "--dim");
            symbols.put(kv[0], Integer.parseInt(kv[1]));
        }
        long t0 = System.nanoTime();
        try (Session session = Session.open(model, opts)) {
            double loadMs = (System.nanoTime() - t0) / 1e6;
            Map<String, Tensor> feeds = new LinkedHashMap<>();
            for (String spec : inputs) {
                String[] kv = split(spec, "--input");
                if (!session.inputNames().contains(kv[0])) {
                    System.err.println("lanes run: the model has no input '" + kv[0] + "'; its inputs are " + session.inputNames());
                    return 2;
                }
                feeds.put(kv[0], readTensor(Path.of(kv[1])));
            }
            SplittableRandom random = new SplittableRandom(seed);
            for (ValueInfo in : session.inputs()) {
                if (!feeds.containsKey(in.name()) && !session.hasDefault(in.name())) {
                    Tensor t = randomTensor(in, symbols, random);
                    System.out.printf("input  %-24s random %s%s (declared %s)%n", in.name(), t.dtype(), Arrays.toString(t.shape()),
                            in.dims());
                    feeds.put(in.name(), t);
                }
            }
            long t1 = System.nanoTime();
            Map<String, Tensor> outs = session.run(feeds);
            double runMs = (System.nanoTime() - t1) / 1e6;
            Files.createDirectories(outputDir);
            for (var e : outs.entrySet()) {
                Path file = outputDir.resolve(safeName(e.getKey()) + ".npy");
                Npy.write(e.getValue(), file);
                System.out.println("output " + summary(e.getKey(), e.getValue()) + " -> " + file);
            }
            System.out.printf(Locale.ROOT, "load %.1f ms, run %.1f ms (%s backend, %d threads)%n", loadMs, runMs,
                    opts.backend().name().toLowerCase(Locale.ROOT), opts.threads());
            if (profile) {
                session.profile().stream().sorted((a, b) -> Long.compare(b.totalNanos(), a.totalNanos())).limit(10)
                        .forEach(t -> System.out.printf(Locale.ROOT, "  %8.2f ms  %-18s %s%n", t.totalNanos() / 1e6, t.opType(), t.node()));
            }
            return 0;
        }
    }

    static Backend backend(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "fast" -> Backend.FAST;
            case "reference", "ref" -> Backend.REFERENCE;
            default -> throw new IllegalArgumentException("--backend must be fast or reference, got '" + s + "'");
        };
    }

    private static String[] split(String spec, String option) {
        int eq = spec.indexOf('=');
        if (eq <= 0 || eq == spec.length() - 1) {
            throw new IllegalArgumentException(option + " wants NAME=VALUE, got '" + spec + "'");
        }
        return new String[] {spec.substring(0, eq), spec.substring(eq + 1)};
    }

    static Tensor readTensor(Path file) throws IOException {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".npy")) {
            return Npy.read(file);
        }
        if (name.endsWith(".pb")) {
            return TensorProtos.read(file);
        }
        throw new IllegalArgumentException(file + ": inputs must be .npy or .pb (ONNX TensorProto) files");
    }

    static Tensor randomTensor(ValueInfo in, Map<String, Integer> symbols, SplittableRandom random) {
        if (in.dims() == null) {
            throw new IllegalArgumentException("input '" + in.name() + "' has no declared shape; give it with --input");
        }
        int[] shape = new int[in.dims().size()];
        for (int i = 0; i < shape.length; i++) {
            Dim d = in.dims().get(i);
            shape[i] = d.isFixed() ? (int) d.value() : d.isSymbolic() ? symbols.getOrDefault(d.symbol(), 1) : 1;
        }
        DType type = in.dtype() == null ? DType.FLOAT32 : in.dtype();
        int n = Tensor.checkedSize(shape);
        return switch (type) {
            case FLOAT32 -> {
                float[] v = new float[n];
                for (int i = 0; i < n; i++) {
                    v[i] = (float) (random.nextDouble() * 2 - 1);
                }
                yield Tensor.of(v, shape);
            }
            case INT64 -> {
                long[] v = new long[n];
                for (int i = 0; i < n; i++) {
                    v[i] = random.nextInt(10);
                }
                yield Tensor.ofLongs(v, shape);
            }
            case INT32 -> {
                int[] v = new int[n];
                for (int i = 0; i < n; i++) {
                    v[i] = random.nextInt(10);
                }
                yield Tensor.ofInts(v, shape);
            }
            case BOOL -> {
                boolean[] v = new boolean[n];
                for (int i = 0; i < n; i++) {
                    v[i] = random.nextBoolean();
                }
                yield Tensor.ofBools(v, shape);
            }
            case FLOAT64 -> {
                double[] v = new double[n];
                for (int i = 0; i < n; i++) {
                    v[i] = random.nextDouble() * 2 - 1;
                }
                yield Tensor.ofDoubles(v, shape);
            }
            case UINT8, INT8 -> {
                byte[] v = new byte[n];
                for (int i = 0; i < n; i++) {
                    v[i] = (byte) random.nextInt(10);
                }
                yield Tensor.ofBytes(type, v, shape);
            }
            case FLOAT16, BFLOAT16 -> {
                short[] v = new short[n];
                for (int i = 0; i < n; i++) {
                    float f = (float) (random.nextDouble() * 2 - 1);
                    v[i] = type == DType.FLOAT16 ? Float.floatToFloat16(f) : (short) (Float.floatToRawIntBits(f) >>> 16);
                }
                yield Tensor.ofHalfBits(type, v, shape);
            }
        };
    }

    static String safeName(String name) {
        String s = name.replaceAll("[^A-Za-z0-9._-]", "_");
        return s.isEmpty() || s.startsWith(".") ? "_" + s : s;
    }

    static String summary(String name, Tensor t) {
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY, sum = 0;
        int n = t.size();
        for (int i = 0; i < n; i++) {
            double v = t.getDouble(i);
            min = Math.min(min, v);
            max = Math.max(max, v);
            sum += v;
        }
        StringBuilder first = new StringBuilder();
        for (int i = 0; i < Math.min(n, 4); i++) {
            first.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.6g", t.getDouble(i)));
        }
        return String.format(Locale.ROOT, "%-24s %s%s min %.6g max %.6g mean %.6g first [%s%s]", name, t.dtype(),
                Arrays.toString(t.shape()), n == 0 ? 0 : min, n == 0 ? 0 : max, n == 0 ? 0 : sum / n, first, n > 4 ? ", ..." : "");
    }
}
