package dev.lanes.properties;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * Marks a test class whose subject depends on the vector width of simd-kernels. The build runs these
 * once more at 128 and at 256 bits ({@code lanes.vector.bits}), after the default run at this
 * machine's widest width, so NEON- and AVX2-shaped code is tested here too.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag("width-sensitive")
public @interface WidthSensitive {}
