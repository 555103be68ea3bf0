package dev.lanes.models.builders;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lanes.graph.Backend;
import dev.lanes.graph.Session;
import dev.lanes.graph.SessionOptions;
import dev.lanes.graph.Tensor;
import dev.lanes.graph.ir.Graph;
import dev.lanes.graph.ir.Node;
import dev.lanes.graph.ir.Pass;
import dev.lanes.graph.onnx.OnnxImporter;
import dev.lanes.graph.onnx.OnnxModel;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The GPT-2 decoder as a session optimises it: in the plan specialised for a decode step every block's
 * attention is one Attention node on the KV cache (no Transpose of the keys, no separate softmax), and
 * the fast optimised session equals the unoptimised reference one at the prompt step and at a decode
 * step, on 1 and 2 threads.
 */
class Gpt2AttentionFusionTest {
    private static final Gpt2Decoder.Config C = Gpt2Decoder.Config.tiny();

    @Test
    void decodePlanRunsEachBlocksAttentionAsOneNode() {
        BuiltModel m = Gpt2Decoder.build(C, 5);
        OnnxModel model = OnnxImporter.load(m.toBytes());
        SessionOptions options = SessionOptions.defaults().withBackend(Backend.FAST);
        Graph g = model.graph();
        for (Pass p : dev.lanes.graph.passes.StandardPasses.forOptions(options)) {
            g = p.apply(g);
        }
        Map<String, Tensor> in = Gpt2Decoder.decodeInputs(C, 7, 11);
        int[][] shapes = new int[g.inputs().size()][];
        for (int i = 0; i < shapes.length; i++) {
            shapes[i] = in.get(g.inputs().get(i).name()).shape();
        }
        Graph specialised = dev.lanes.graph.passes.StandardPasses.specialise(g, shapes, options);
        List<String> ops = specialised.nodes().stream().map(Node::opType).toList();
        assertEquals(C.layers(), ops.stream().filter("Attention"::equals).count(), ops.toString());
        assertEquals(0, ops.stream().filter("Softmax"::equals).count(), ops.toString());
    }

    @Test
    void promptAndDecodeStepsEqualTheReference() {
        BuiltModel m = Gpt2Decoder.build(C, 5);
        byte[] bytes = m.toBytes();
        Map<String, Tensor> prompt = new HashMap<>(Gpt2Decoder.emptyCache(C, 1));
        prompt.put("input_ids", Tensor.ofLongs(new long[] {5, 17, 42, 8, 3}, 1, 5));
        Map<String, Tensor> decode = Gpt2Decoder.decodeInputs(C, 9, 13);
        Map<String, Tensor> wantPrompt, wantDecode;
        try (Session ref = Session.open(bytes, SessionOptions.defaults().withBackend(Backend.REFERENCE).withOptimize(false).withThreads(1))) {
            wantPrompt = ref.run(prompt);
            wantDecode = ref.run(decode);
        }
        for (int threads : new int[] {1, 2}) {
            try (Session fast = Session.open(bytes, SessionOptions.defaults().withBackend(Backend.FAST).withThreads(threads))) {
                Outputs.assertClose(wantPrompt, fast.run(prompt), 1e-4, "gpt2 prompt at " + threads + " threads");
                Outputs.assertClose(wantDecode, fast.run(decode), 1e-4, "gpt2 decode at " + threads + " threads");
            }
        }
    }
}
