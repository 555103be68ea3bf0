package dev.lanes.graph.exec;

import dev.lanes.graph.ModelException;
import dev.lanes.graph.Tensor;
import java.util.Arrays;

/**
 * Runs an {@link ExecutionPlan}. All per-run state (the slot array) is local to the call, so any
 * number of threads may run the same plan at once.
 */
public final class Executor {
    private Executor() {}

    /**
     * Runs the plan.
     *
     * @param inputs one tensor per {@link ExecutionPlan#inputNames()} (null only where the input has a default)
     * @param outer  one tensor per {@link ExecutionPlan#outerNames()}
     * @param profile per-step timing sink, or null
     * @return one tensor per {@link ExecutionPlan#outputNames()}
     */
    public static Tensor[] run(ExecutionPlan plan, Tensor[] inputs, Tensor[] outer, RunContext ctx, NodeProfile profile) {
        Tensor[] slots = new Tensor[plan.slotCount()];
        plan.constants().forEach((s, t) -> slots[s] = t);
        int[] in = plan.inputSlots();
        for (int i = 0; i < in.length; i++) {
            if (inputs[i] != null) {
                slots[in[i]] = inputs[i];
            }
        }
        int[] os = plan.outerSlots();
        for (int i = 0; i < os.length; i++) {
            slots[os[i]] = outer[i];
        }
        BufferArena arena = ctx.arena();
        var steps = plan.steps();
        for (int si = 0; si < steps.size(); si++) {
            runStep(si, steps.get(si), slots, ctx, arena, profile);
        }
        int[] out = plan.outputSlots();
        Tensor[] result = new Tensor[out.length];
        for (int i = 0; i < out.length; i++) {
            result[i] = slots[out[i]];
        }
        return result;
    }

    /**
     * One step: its arguments from the slots, the operator, its results into the slots, the slots that die here released.
     * A method of its own, not the body of {@link #run}'s loop: called once per node, it reaches C2 after a few runs by its
     * own call count and stays small (the operator call is megamorphic, never inlined), where the loop in {@code run},
     * entered once per run, waited ~20 s for its C2 compiles (two OSR compiles and a standard one, 0.06-0.08 s each, on the
     * core the run uses; bench/RESULTS.md, "Time to steady state, session 16").
     */
    private static void runStep(int si, ExecutionPlan.Step step, Tensor[] slots, RunContext ctx, BufferArena arena, NodeProfile profile) {
        Tensor[] args = new Tensor[step.inputs().length];
        for (int i = 0; i < args.length; i++) {
            int s = step.inputs()[i];
            args[i] = s < 0 ? null : slots[s];
            if (s >= 0 && args[i] == null) {
                throw new ModelException(step.node().describe() + ": input '" + step.node().allReads().get(
                        Math.min(i, step.node().allReads().size() - 1)) + "' has no value (a graph input was not given?)");
            }
        }
        if (arena != null && step.op() instanceof InPlaceOperator inPlace) {
            releaseDyingInputs(step, inPlace, slots, arena);
        }
        long t0 = profile != null ? NodeProfile.now() : 0;
        Tensor[] results;
        try {
            results = step.op().run(args, ctx);
        } catch (ModelException e) {
            throw e;
        } catch (IllegalArgumentException | IllegalStateException | ArithmeticException | IndexOutOfBoundsException
                 | ClassCastException | NegativeArraySizeException e) {
            throw new ModelException(step.node().describe() + ": " + e.getMessage() + inputShapes(args), e);
        } catch (OutOfMemoryError e) {
            throw new ModelException(step.node().describe() + ": out of memory computing outputs" + inputShapes(args), e);
        }
        if (profile != null) {
            profile.record(si, NodeProfile.now() - t0);
        }
        int[] outs = step.outputs();
        if (results.length < outs.length) {
            throw new ModelException(step.node().describe() + ": produced " + results.length + " outputs, the node declares " + outs.length);
        }
        for (int i = 0; i < outs.length; i++) {
            if (outs[i] >= 0) {
                if (results[i] == null) {
                    throw new ModelException(step.node().describe() + ": output " + i + " ('" + step.node().outputs().get(i)
                            + "') was not computed");
                }
                slots[outs[i]] = results[i];
                if (arena != null) {
                    arena.retain(results[i].array());
                }
            }
        }
        for (int r : step.release()) {
            Tensor t = slots[r];
            slots[r] = null;
            if (t != null && arena != null) {
                arena.release(t.array());
            }
        }
    }

    /**
     * Releases, before an in-place step runs, the inputs whose last reader it is and which it may overwrite (their
     * buffers may become its output).
     */
    private static void releaseDyingInputs(ExecutionPlan.Step step, InPlaceOperator op, Tensor[] slots, BufferArena arena) {
        int[] inputs = step.inputs();
        for (int i = 0; i < inputs.length; i++) {
            int s = inputs[i];
            if (s < 0 || slots[s] == null || !InPlaceOperator.mayOverwriteSlot(op, inputs, i)) {
                continue;
            }
            for (int r : step.release()) {
                if (r == s) {
                    Tensor t = slots[s];
                    slots[s] = null;
                    arena.release(t.array());
                    break;
                }
            }
        }
    }

    private static String inputShapes(Tensor[] args) {
        StringBuilder sb = new StringBuilder(" (inputs:");
        for (Tensor t : args) {
            sb.append(' ').append(t == null ? "-" : t.dtype() + Arrays.toString(t.shape()));
        }
        return sb.append(')').toString();
    }
}
