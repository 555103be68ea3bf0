package dev.lanes.graph.exec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.graph.Backend;
import dev.lanes.graph.DType;
import dev.lanes.graph.Tensor;
import dev.lanes.graph.ir.Graph;
import dev.lanes.graph.onnx.OnnxImporter;
import dev.lanes.graph.onnx.OnnxModelBuilder;
import dev.lanes.graph.passes.ShapeInference;
import dev.lanes.simd.Parallel;
import org.junit.jupiter.api.Test;

class MemoryPlannerTest {
    private static final int N = 1000;

    /** X → Sigmoid → Sigmoid → Reshape → Sigmoid → Y, every value N floats. */
    private static Graph chain() {
        Graph g = OnnxImporter.fromModel(new OnnxModelBuilder("chain").opset(13)
                .input("X", DType.FLOAT32, 10, 100)
                .initializer("shape", Tensor.ofLongs(new long[] {100, 10}, 2))
                .node("Sigmoid").inputs("X").outputs("a").add()
                .node("Sigmoid").inputs("a").outputs("b").add()
                .node("Reshape").inputs("b", "shape").outputs("c").add()
                .node("Sigmoid").inputs("c").outputs("Y").add()
                .output("Y", DType.FLOAT32, 100, 10).build(), null).graph();
        return new ShapeInference().apply(g);
    }

    @Test
    void elementWiseChainRunsInPlaceInOneBuffer() {
        ExecutionPlan p = new PlanCompiler(OpRegistry.standard(), Backend.FAST).compile(chain());
        MemoryPlan m = MemoryPlanner.plan(p);
        assertTrue(m.complete());
        assertEquals(1, m.buffers(), m.toString());
        assertEquals(4L * N, m.arenaBytes());
        assertEquals(3L * 4 * N, m.unsharedBytes(), "three computed values; the Reshape is a view");
        assertEquals(2, m.inPlaceSteps(), "the second and third Sigmoid overwrite their dying input");
    }

    @Test
    void withoutInPlaceStepsTwoBuffersAlternate() {
        ExecutionPlan p = new PlanCompiler(OpRegistry.standard(), Backend.REFERENCE).compile(chain());
        MemoryPlan m = MemoryPlanner.plan(p);
        assertEquals(2, m.buffers(), m.toString());
        assertEquals(8L * N, m.arenaBytes());
        assertEquals(8L * N, m.peakLiveBytes());
    }

    @Test
    void theArenaReusesBuffersAcrossRunsAndNeverHandsOutAnEarlierOutput() {
        ExecutionPlan p = new PlanCompiler(OpRegistry.standard(), Backend.FAST).compile(chain());
        BufferArena arena = new BufferArena();
        RunContext ctx = new RunContext(Parallel.callerOnly(), arena);
        float[] x = new float[N];
        for (int i = 0; i < N; i++) {
            x[i] = i * 0.01f - 5;
        }
        Tensor y1 = Executor.run(p, new Tensor[] {Tensor.of(x, 10, 100)}, new Tensor[0], ctx, null)[0];
        arena.forget();
        float[] first = y1.floats().clone();
        assertEquals(4L * N, arena.allocatedBytes(), "one buffer serves the whole in-place chain");
        Tensor y2 = Executor.run(p, new Tensor[] {Tensor.of(new float[N], 10, 100)}, new Tensor[0], ctx, null)[0];
        arena.forget();
        assertNotSame(y1.floats(), y2.floats(), "the first run's output belongs to the caller");
        assertArrayEquals(first, y1.floats(), "and the second run did not write over it");
        assertEquals(8L * N, arena.allocatedBytes(), "the second run needs a buffer only for its own output");
        double want = 1 / (1 + Math.exp(-1 / (1 + Math.exp(-1 / (1 + Math.exp(-x[7]))))));
        assertEquals(want, first[7], 1e-6);
    }

    /** A step that may overwrite only its input 3 (a convolution over its residual). */
    private record OverInput3() implements InPlaceOperator {
        @Override
        public Tensor[] run(Tensor[] inputs, RunContext ctx) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean mayOverwrite(int input) {
            return input == 3;
        }
    }

    @Test
    void anInputReadElsewhereInTheSameStepIsNeverOverwritten() {
        InPlaceOperator op = new OverInput3();
        assertTrue(InPlaceOperator.mayOverwriteSlot(op, new int[] {5, -1, -1, 7}, 3), "the residual alone");
        assertFalse(InPlaceOperator.mayOverwriteSlot(op, new int[] {5, -1, -1, 7}, 0), "never X");
        assertFalse(InPlaceOperator.mayOverwriteSlot(op, new int[] {7, -1, -1, 7}, 3), "the residual is X itself: X is read after outputs are written");
        InPlaceOperator elementwise = (in, ctx) -> in;
        assertTrue(InPlaceOperator.mayOverwriteSlot(elementwise, new int[] {4, 4}, 1), "an element-wise op overwrites any input");
    }
}
