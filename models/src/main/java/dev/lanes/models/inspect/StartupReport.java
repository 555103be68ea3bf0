package dev.lanes.models.inspect;

import dev.lanes.graph.LoadTimings;
import dev.lanes.graph.Session;
import dev.lanes.graph.Tensor;
import java.lang.management.ClassLoadingMXBean;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.Map;

/**
 * What a new user waits for: the session's load phases, then the first run and the second run on the
 * same inputs. The first run of a fresh JVM is slow because the kernels still run interpreted (the
 * Vector API is only fast once C2 has compiled it); the JIT compiler's time and the classes loaded
 * during that run say how much of it is warm-up.
 *
 * @param load             the session's load phases
 * @param firstRunMillis   wall time of the first run
 * @param secondRunMillis  wall time of the second run (same inputs)
 * @param jitMillis        time the JIT compiler threads spent during the first run (-1 if the JVM does not say)
 * @param classesLoaded    classes loaded during the first run
 */
public record StartupReport(LoadTimings load, double firstRunMillis, double secondRunMillis, long jitMillis, long classesLoaded) {

    /** Runs {@code session} twice on {@code inputs}, measuring both runs. Call it on a session that has not run yet. */
    public static StartupReport measure(Session session, Map<String, Tensor> inputs) {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        boolean jitTimed = jit != null && jit.isCompilationTimeMonitoringSupported();
        ClassLoadingMXBean classes = ManagementFactory.getClassLoadingMXBean();
        long jit0 = jitTimed ? jit.getTotalCompilationTime() : 0;
        long classes0 = classes.getTotalLoadedClassCount();
        long t0 = System.nanoTime();
        session.run(inputs);
        long t1 = System.nanoTime();
        long jitMillis = jitTimed ? jit.getTotalCompilationTime() - jit0 : -1;
        long loaded = classes.getTotalLoadedClassCount() - classes0;
        session.run(inputs);
        long t2 = System.nanoTime();
        return new StartupReport(session.loadTimings(), (t1 - t0) / 1e6, (t2 - t1) / 1e6, jitMillis, loaded);
    }

    public String format() {
        StringBuilder s = new StringBuilder(load.format(4));
        s.append(String.format(Locale.ROOT, "first run %.0f ms", firstRunMillis));
        if (jitMillis >= 0) {
            s.append(String.format(Locale.ROOT, " (JIT compiler busy %d ms meanwhile, %d classes loaded)", jitMillis, classesLoaded));
        }
        s.append(String.format(Locale.ROOT, ", second run %.1f ms%n", secondRunMillis));
        return s.toString();
    }
}
