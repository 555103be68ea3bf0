package dev.lanes.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.graph.Session;
import dev.lanes.graph.SessionOptions;
import dev.lanes.graph.Tensor;
import dev.lanes.models.inspect.ModelInputs;
import dev.lanes.models.text.L2Normalize;
import dev.lanes.models.text.MeanPooling;
import dev.lanes.models.text.SentenceEmbedder;
import dev.lanes.models.text.WordPieceTokenizer;
import dev.lanes.models.vision.DbPostProcess;
import dev.lanes.models.vision.TextBox;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Lanes on the three real models reproduces ONNX Runtime's outputs within 1e-4 (a model that no
 * longer loads — an op gone missing — fails the test).
 */
class RealModelsTest {

    static Session open(RealModel m, SessionOptions options) throws Exception {
        return Session.open(m.modelPath(ModelStore.standard()), options);
    }

    @ParameterizedTest
    @EnumSource(RealModel.class)
    void outputsMatchOnnxRuntime(RealModel model) throws Exception {
        ReferenceCase ref = model.reference();
        for (int threads : new int[] {1, 2}) {
            try (Session s = open(model, SessionOptions.defaults().withThreads(threads))) {
                Map<String, Tensor> out = s.run(ModelInputs.fromReference(ref));
                for (TensorFile want : ref.outputs()) {
                    Tensor got = out.get(want.name());
                    assertArrayEquals(java.util.Arrays.stream(want.shape()).mapToInt(Math::toIntExact).toArray(), got.shape());
                    float[] w = want.floats(), g = got.floats();
                    double worst = 0;
                    for (int i = 0; i < w.length; i++) worst = Math.max(worst, Math.abs(w[i] - g[i]));
                    assertTrue(worst <= 1e-4, model.id() + " " + want.name() + " at " + threads + " threads: max |diff| " + worst);
                }
            }
        }
    }

    @Test
    void sentenceEmbeddingsArePooledFromTheEncoderAndIgnorePadding() throws Exception {
        ReferenceCase ref = RealModel.MINILM_L6_V2.reference();
        WordPieceTokenizer tok = WordPieceTokenizer.fromJson(ModelStore.standard().path(KnownModel.MINILM_L6_V2_TOKENIZER));
        try (Session s = open(RealModel.MINILM_L6_V2, SessionOptions.defaults().withThreads(2))) {
            SentenceEmbedder embedder = new SentenceEmbedder(s, tok, 8);
            // pooled from ONNX Runtime's hidden state over the reference mask: the expected embedding
            float[] want = MeanPooling.pool(ref.output("last_hidden_state").floats(), ref.input("attention_mask").longs(), 1, 128, 384);
            L2Normalize.rows(want, 1, 384);
            float[][] got = embedder.embed(List.of(ref.text(), "Short.", ref.text()));
            assertArrayEquals(want, got[0], 1e-4f);
            assertArrayEquals(got[0], got[2], 1e-5f);
            float[] alone = embedder.embed(List.of("Short."))[0];
            assertArrayEquals(alone, got[1], 1e-5f, "padding to the batch's longest text changes nothing");
            double norm = 0;
            for (float v : got[1]) norm += v * v;
            assertEquals(1.0, norm, 1e-5);
        }
    }

    @Test
    void theDetectorFindsTheLinesOnTheReferencePage() throws Exception {
        ReferenceCase ref = RealModel.PPOCR_V4_DET.reference();
        try (Session s = open(RealModel.PPOCR_V4_DET, SessionOptions.defaults().withThreads(2))) {
            float[] map = s.run(ModelInputs.fromReference(ref)).values().iterator().next().floats();
            List<TextBox> lanes = DbPostProcess.PADDLE_DEFAULT.boxes(map, 640, 384, 640, 384);
            List<TextBox> ort = DbPostProcess.PADDLE_DEFAULT.boxes(ref.output("sigmoid_0.tmp_0").floats(), 640, 384, 640, 384);
            assertEquals(ort.size(), lanes.size());
            for (int i = 0; i < ort.size(); i++) {
                for (int c = 0; c < 4; c++) {
                    assertEquals(ort.get(i).xs()[c], lanes.get(i).xs()[c], 1.0);
                    assertEquals(ort.get(i).ys()[c], lanes.get(i).ys()[c], 1.0);
                }
            }
        }
    }
}
