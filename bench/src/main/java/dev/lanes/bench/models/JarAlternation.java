package dev.lanes.bench.models;

import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Old and new builds of Lanes compared run by run in one JVM: each benchmarks jar given is loaded in its own class
 * loader (parent: the platform loader, so no class is shared with this one or with the other jars), opens a profiling
 * session on the model, and the sessions run in turn, one run each per round, after a warm-up of all of them ({@link SteadyState}: 25 s per jar). On
 * this shared VM a model's time moves by 5–20 % from minute to minute and from JVM to JVM (other processes, the
 * 2-thread slow state of bench/RESULTS.md); runs interleaved this finely see the same machine, so the difference between
 * the columns is the builds'. Prints per node (in the first jar's plan order, then the nodes only other jars' plans have;
 * {@code -Dlanes.alternation.nodes=REGEX} keeps the matching ones and adds their sum per run, which compares builds that
 * fuse differently) the minimum and median ms of each jar, then each run's time outside its nodes and the run (its
 * minimum and median, then its mean and 90th percentile).
 * The sessions share the caches: every run finds its weights evicted by the other builds' runs, so absolute times sit
 * above a lone session's.
 *
 * <pre>
 * flock /work/measure.lock taskset -c 0 java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
 *     -cp bench/target/benchmarks.jar dev.lanes.bench.models.JarAlternation MODEL THREADS RUNS old.jar new.jar ...
 * </pre>
 */
public final class JarAlternation {
    private JarAlternation() {}

    /** One jar's profiling session, driven through reflection (its classes are not this loader's). */
    private static final class Build {
        final String name;
        final Object session, inputs;
        final Method run, profile, node, totalNanos;
        final Map<String, long[]> perNode = new LinkedHashMap<>();
        final Map<String, Long> last = new HashMap<>();
        final long[] runs;

        Build(Path jar, String model, int threads, int runCount) throws ReflectiveOperationException, java.io.IOException {
            if (!Files.isRegularFile(jar)) throw new IllegalArgumentException("no jar at " + jar);
            name = jar.getFileName().toString();
            ClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
            Class<?> benchModel = Class.forName(BenchModel.class.getName(), true, loader);
            Object prepared = benchModel.getMethod("prepare").invoke(benchModel.getMethod("byId", String.class).invoke(null, model));
            Path file = (Path) prepared.getClass().getMethod("file").invoke(prepared);
            inputs = prepared.getClass().getMethod("inputs").invoke(prepared);
            Class<?> optionsClass = Class.forName("dev.lanes.graph.SessionOptions", true, loader);
            Object options = optionsClass.getMethod("defaults").invoke(null);
            options = optionsClass.getMethod("withThreads", int.class).invoke(options, threads);
            options = optionsClass.getMethod("withProfiling", boolean.class).invoke(options, true);
            Class<?> sessionClass = Class.forName("dev.lanes.graph.Session", true, loader);
            session = sessionClass.getMethod("open", Path.class, optionsClass).invoke(null, file, options);
            run = sessionClass.getMethod("run", Map.class);
            profile = sessionClass.getMethod("profile");
            Class<?> timing = Class.forName("dev.lanes.graph.NodeTiming", true, loader);
            node = timing.getMethod("node");
            totalNanos = timing.getMethod("totalNanos");
            runs = new long[runCount];
        }

        /** One run; recorded as run {@code r} unless r is negative (warm-up). */
        void runOnce(int r) throws ReflectiveOperationException {
            long t0 = System.nanoTime();
            run.invoke(session, inputs);
            long t = System.nanoTime() - t0;
            for (Object timing : (List<?>) profile.invoke(session)) {
                String k = (String) node.invoke(timing);
                long total = (Long) totalNanos.invoke(timing);
                if (r >= 0) perNode.computeIfAbsent(k, x -> new long[runs.length])[r] = total - last.getOrDefault(k, 0L);
                last.put(k, total);
            }
            if (r >= 0) runs[r] = t;
        }

        /** Each run's time in the nodes whose names {@code keep} finds. */
        long[] keptPerRun(Pattern keep) {
            long[] sum = new long[runs.length];
            perNode.forEach((k, v) -> {
                if (keep.matcher(k).find()) for (int r = 0; r < sum.length; r++) sum[r] += v[r];
            });
            return sum;
        }

        /** Each run's time outside its nodes (the executor's glue, the session's input checks and output map). */
        long[] outsideNodes() {
            long[] glue = runs.clone();
            for (long[] v : perNode.values()) for (int r = 0; r < glue.length; r++) glue[r] -= v[r];
            return glue;
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 5) throw new IllegalArgumentException("usage: JarAlternation MODEL THREADS RUNS JAR JAR...");
        String model = args[0];
        int threads = Integer.parseInt(args[1]), runs = Integer.parseInt(args[2]);
        if (threads < 1 || runs < 1) throw new IllegalArgumentException("JarAlternation needs THREADS >= 1 and RUNS >= 1");
        List<Build> builds = new ArrayList<>();
        for (int i = 3; i < args.length; i++) builds.add(new Build(Path.of(args[i]), model, threads, runs));
        long until = System.nanoTime() + SteadyState.warmupNanos(builds.size());
        while (System.nanoTime() < until) for (Build b : builds) b.runOnce(-1);
        for (int r = 0; r < runs; r++) for (Build b : builds) b.runOnce(r);

        Pattern keep = Pattern.compile(System.getProperty("lanes.alternation.nodes", ""));
        System.out.printf(Locale.ROOT, "%s, %d thread(s), %d runs per jar, alternated; min / median ms%n%-60s", model, threads, runs, "node");
        for (Build b : builds) System.out.printf(Locale.ROOT, " %24s", b.name);
        System.out.println();
        // the first jar's nodes, then those only another jar's plan has (a fusion merges nodes): a build without a node shows –
        Set<String> nodes = new LinkedHashSet<>();
        for (Build b : builds) nodes.addAll(b.perNode.keySet());
        for (String k : nodes) {
            if (!keep.matcher(k).find()) continue;
            System.out.printf(Locale.ROOT, "%-60s", k.length() > 60 ? k.substring(0, 57) + "..." : k);
            for (Build b : builds) cell(b.perNode.get(k));
            System.out.println();
        }
        if (!keep.pattern().isEmpty()) {
            // per run, the sum of the kept nodes: builds whose plans differ compare like for like
            System.out.printf(Locale.ROOT, "%-60s", "kept nodes, summed per run");
            for (Build b : builds) cell(b.keptPerRun(keep));
            System.out.println();
        }
        System.out.printf(Locale.ROOT, "%-60s", "run outside its nodes");
        for (Build b : builds) cell(b.outsideNodes());
        System.out.printf(Locale.ROOT, "%n%-60s", "run");
        for (Build b : builds) cell(b.runs);
        // the tail, where a thread held up shows (a 2-thread run waits for its slowest share)
        System.out.printf(Locale.ROOT, "%n%-60s", "run, mean / p90");
        for (Build b : builds) System.out.printf(Locale.ROOT, " %11.3f / %10.3f", NodeSamples.mean(b.runs) / 1e6, NodeSamples.percentile(b.runs, 90) / 1e6);
        System.out.println();
    }

    private static void cell(long[] v) {
        if (v == null) System.out.printf(Locale.ROOT, " %24s", "–");
        else System.out.printf(Locale.ROOT, " %11.3f / %10.3f", NodeSamples.min(v) / 1e6, NodeSamples.median(v) / 1e6);
    }
}
