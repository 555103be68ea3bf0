package dev.lanes.models.builders;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lanes.graph.Backend;
import dev.lanes.graph.Session;
import dev.lanes.graph.SessionOptions;
import dev.lanes.graph.Tensor;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The BERT encoder's padding mask: padded tokens change nothing that is not padding. */
class BertEncoderTest {

    @Test
    void paddedTokensDoNotReachRealPositions() {
        BertEncoder.Config c = BertEncoder.Config.tiny();
        BuiltModel m = BertEncoder.build(c, 5);
        Map<String, Tensor> in = m.exampleInputs();
        long[] mask = in.get("attention_mask").longs();
        int real = 0;
        while (real < mask.length && mask[real] == 1) {
            real++;
        }
        long[] ids = in.get("input_ids").longs().clone();
        for (int i = real; i < ids.length; i++) {
            ids[i] = (ids[i] + 13) % c.vocab();
        }
        Map<String, Tensor> changed = new HashMap<>(in);
        changed.put("input_ids", Tensor.ofLongs(ids, 1, ids.length));
        try (Session s = Session.open(m.model(), SessionOptions.defaults().withBackend(Backend.REFERENCE).withThreads(1))) {
            float[] a = s.run(in).get("last_hidden_state").floats();
            float[] b = s.run(changed).get("last_hidden_state").floats();
            for (int i = 0; i < real * c.hidden(); i++) {
                assertEquals(a[i], b[i], 1e-6f, "token " + i / c.hidden() + " saw padding");
            }
            assertEquals(s.run(in).get("pooler_output").floats()[0], s.run(changed).get("pooler_output").floats()[0], 1e-6f);
        }
    }
}
