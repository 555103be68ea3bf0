package dev.lanes.reference.conformance;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;

/**
 * Turns every ONNX node test of one op into a JUnit dynamic test. An op's conformance test is one
 * method that maps a {@link NodeTestCase} to the kernel's outputs:
 *
 * <pre>{@code
 * @TestFactory
 * Stream<DynamicTest> matmul() {
 *     return ConformanceSuite.forOp("MatMul").run(tc -> List.of(runMyKernel(tc)));
 * }
 * }</pre>
 *
 * Each returned output is compared with the expected one by {@link OnnxCompare}. Tests that cannot
 * apply are named with {@link #skip} and a reason; they show as skipped, never as passed. A suite
 * that finds no test of its op fails, so a missing data folder cannot pass silently.
 */
public final class ConformanceSuite {
    private final String opType;
    private final Map<String, String> skipped = new LinkedHashMap<>();

    private ConformanceSuite(String opType) {
        this.opType = opType;
    }

    /** Every node test whose graph is a single {@code opType} node. */
    public static ConformanceSuite forOp(String opType) {
        return new ConformanceSuite(opType);
    }

    /** Leaves one test out, saying why; the name must exist so that skips cannot go stale. */
    public ConformanceSuite skip(String testName, String reason) {
        skipped.put(testName, reason);
        return this;
    }

    public Stream<DynamicTest> run(Function<NodeTestCase, List<OnnxTensor>> kernel) {
        List<String> names = NodeTestCase.namesForOp(opType);
        if (names.isEmpty()) throw new AssertionError("no ONNX node test has a single " + opType + " node under " + NodeTestCase.root());
        for (String s : skipped.keySet()) {
            if (!names.contains(s)) throw new AssertionError("skipped test " + s + " is not a " + opType + " node test");
        }
        return names.stream().map(name -> DynamicTest.dynamicTest(name, () -> {
            String reason = skipped.get(name);
            Assumptions.assumeTrue(reason == null, () -> "skipped: " + reason);
            NodeTestCase tc = NodeTestCase.load(name);
            List<OnnxTensor> actual = kernel.apply(tc);
            List<OnnxTensor> expected = tc.expectedOutputs();
            if (actual.size() != expected.size()) {
                throw new AssertionError(name + ": kernel gave " + actual.size() + " outputs, the test expects " + expected.size());
            }
            for (int i = 0; i < expected.size(); i++) {
                OnnxCompare.assertMatches(name + " output " + i, expected.get(i), actual.get(i));
            }
        }));
    }
}
