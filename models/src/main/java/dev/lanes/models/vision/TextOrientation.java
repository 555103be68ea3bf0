package dev.lanes.models.vision;

import dev.lanes.graph.Session;
import dev.lanes.graph.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * PaddleOCR's text-orientation classifier: for each text crop, whether it reads upright (0 degrees) or
 * upside down (180), with the softmax probability of that answer.
 */
public final class TextOrientation {
    private final Session session;
    private final String input;

    public TextOrientation(Session session) {
        if (session.inputNames().size() != 1) throw new IllegalArgumentException("the classifier has one input, this model has " + session.inputNames());
        this.session = session;
        this.input = session.inputNames().get(0);
    }

    /** @param degrees 0 or 180 */
    public record Answer(int degrees, float probability) {}

    public List<Answer> classify(List<BgrImage> crops) {
        List<Answer> out = new ArrayList<>();
        if (crops.isEmpty()) return out;
        float[] x = ClsPreprocess.batch(crops);
        Tensor probs = session.run(Map.of(input, Tensor.of(x, crops.size(), 3, ClsPreprocess.HEIGHT, ClsPreprocess.WIDTH)))
                .values().iterator().next();
        if (probs.size() != 2 * crops.size()) {
            throw new IllegalStateException("the classifier returned " + java.util.Arrays.toString(probs.shape()) + " for " + crops.size() + " crops");
        }
        float[] p = probs.floats();
        for (int i = 0; i < crops.size(); i++) {
            out.add(p[2 * i + 1] > p[2 * i] ? new Answer(180, p[2 * i + 1]) : new Answer(0, p[2 * i]));
        }
        return out;
    }
}
