package dev.lanes.simd;

import java.lang.management.ManagementFactory;
import jdk.incubator.vector.FloatVector;

/**
 * Multiply-add as the hardware does it best, decided once: {@code FloatVector.fma} where the JVM
 * uses hardware FMA instructions, a multiply and an add elsewhere ({@code fma} without hardware
 * support falls back to a very slow path). The kernels call {@link #madd} only, so one switch holds
 * for the whole engine and every kernel rounds the same way on a given JVM.
 */
final class Fma {
    private Fma() {}

    /** True when HotSpot reports {@code -XX:+UseFMA} (x86 with FMA3, AArch64). */
    static final boolean HARDWARE = detect();

    private static boolean detect() {
        try {
            var bean = ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            return bean != null && Boolean.parseBoolean(bean.getVMOption("UseFMA").getValue());
        } catch (RuntimeException | LinkageError e) {
            // Not HotSpot, or the option is unknown: Math.fma is still correct, only maybe slow; prefer mul+add.
            return false;
        }
    }

    /** {@code a·b + c}: one rounding with hardware FMA, two without. */
    static FloatVector madd(FloatVector a, FloatVector b, FloatVector c) {
        return HARDWARE ? a.fma(b, c) : a.mul(b).add(c);
    }

    /** {@code a·b + c} on scalars, rounding exactly as {@link #madd} does on each lane. */
    static float madd(float a, float b, float c) {
        return HARDWARE ? Math.fma(a, b, c) : a * b + c;
    }
}
