package dev.lanes.graph.ops;

import dev.lanes.graph.DType;
import dev.lanes.graph.Tensor;
import dev.lanes.graph.exec.ExecutionPlan;
import dev.lanes.graph.exec.Executor;
import dev.lanes.graph.exec.OpRegistry;
import dev.lanes.graph.exec.OpSetup;
import dev.lanes.graph.exec.Operator;
import dev.lanes.graph.ir.Graph;
import java.util.List;

/**
 * {@code If}: both branches are compiled at session creation; at run time the condition picks one,
 * which runs with the outer-scope values it reads (the node's implicit inputs).
 */
final class ControlFlow {
    private ControlFlow() {}

    static void register(OpRegistry r) {
        r.register("If", 1, ControlFlow::ifOp);
    }

    static Operator ifOp(OpSetup s) {
        Graph thenG = s.getGraph("then_branch");
        Graph elseG = s.getGraph("else_branch");
        if (thenG == null || elseG == null) {
            throw s.invalid("needs both then_branch and else_branch");
        }
        if (thenG.outputs().size() != s.outputCount() || elseG.outputs().size() != s.outputCount()) {
            throw s.invalid("branches have " + thenG.outputs().size() + " and " + elseG.outputs().size()
                    + " outputs, the node has " + s.outputCount());
        }
        ExecutionPlan thenPlan = s.compileSubgraph(thenG);
        ExecutionPlan elsePlan = s.compileSubgraph(elseG);
        List<String> implicit = s.node().implicitInputs();
        int explicit = s.node().inputs().size();
        return (in, ctx) -> {
            Tensor cond = in[0];
            if (cond.size() != 1) {
                throw new IllegalArgumentException("If condition must hold one element, has " + cond.size());
            }
            boolean c = cond.dtype() == DType.BOOL ? cond.bytes()[0] != 0 : cond.getDouble(0) != 0;
            ExecutionPlan plan = c ? thenPlan : elsePlan;
            Tensor[] outer = new Tensor[plan.outerNames().size()];
            for (int i = 0; i < outer.length; i++) {
                int k = implicit.indexOf(plan.outerNames().get(i));
                outer[i] = in[explicit + k];
            }
            return Executor.run(plan, new Tensor[plan.inputNames().size()], outer, ctx, null);
        };
    }
}
