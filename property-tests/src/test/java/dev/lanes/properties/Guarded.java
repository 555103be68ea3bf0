package dev.lanes.properties;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;

/**
 * An output buffer with NaN canaries before and after its region (as MLAS uses guard pages): a
 * kernel that writes outside its range is caught by {@link #assertCanariesIntact()}. The region
 * itself is pre-filled with NaN too, so an element the kernel forgets to write shows up as NaN.
 */
public final class Guarded {
    /** Canary width on each side: wider than any vector, so a stray full-vector store is caught. */
    public static final int PAD = 67;

    private final float[] data;
    private final int length;

    public Guarded(int length) {
        this.length = length;
        this.data = new float[PAD + length + PAD];
        Arrays.fill(data, Float.NaN);
    }

    /** The backing array to hand to a kernel. */
    public float[] array() {
        return data;
    }

    /** Where the region starts in {@link #array()}: pass it as the output offset. */
    public int offset() {
        return PAD;
    }

    public int length() {
        return length;
    }

    /** A copy of the region. */
    public float[] region() {
        return Arrays.copyOfRange(data, PAD, PAD + length);
    }

    public void assertCanariesIntact() {
        for (int i = 0; i < PAD; i++) {
            if (!isCanary(data[i])) fail("kernel wrote " + data[i] + " at " + (i - PAD) + ", before its output region");
            int j = PAD + length + i;
            if (!isCanary(data[j])) fail("kernel wrote " + data[j] + " at " + (length + i) + ", past its output region of " + length);
        }
    }

    private static boolean isCanary(float v) {
        return Float.floatToRawIntBits(v) == Float.floatToRawIntBits(Float.NaN);
    }
}
