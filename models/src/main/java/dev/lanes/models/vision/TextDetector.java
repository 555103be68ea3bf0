package dev.lanes.models.vision;

import dev.lanes.graph.Session;
import dev.lanes.graph.Tensor;
import java.util.List;
import java.util.Map;

/**
 * PaddleOCR's DB text detector end to end: {@link DetPreprocess}, the network, {@link DbPostProcess}.
 */
public final class TextDetector {
    private final Session session;
    private final DetPreprocess preprocess;
    private final DbPostProcess postprocess;
    private final String input;

    public TextDetector(Session session, DetPreprocess preprocess, DbPostProcess postprocess) {
        if (session.inputNames().size() != 1) throw new IllegalArgumentException("a DB detector has one input, this model has " + session.inputNames());
        this.session = session;
        this.preprocess = preprocess;
        this.postprocess = postprocess;
        this.input = session.inputNames().get(0);
    }

    /** The probability map and the boxes found in it, in image coordinates and reading order. */
    public record Detection(float[] probability, int mapWidth, int mapHeight, List<TextBox> boxes) {}

    public Detection detect(BgrImage image) {
        DetPreprocess.DetInput in = preprocess.prepare(image);
        Tensor x = Tensor.of(in.chw(), 1, 3, in.height(), in.width());
        Map<String, Tensor> out = session.run(Map.of(input, x));
        Tensor map = out.values().iterator().next();
        if (map.size() != in.width() * in.height()) {
            throw new IllegalStateException("the detector returned " + java.util.Arrays.toString(map.shape()) + " for a "
                    + in.width() + "x" + in.height() + " input; a DB detector returns one probability per pixel");
        }
        List<TextBox> boxes = postprocess.boxes(map.floats(), in.width(), in.height(), image.width(), image.height());
        return new Detection(map.floats(), in.width(), in.height(), boxes);
    }
}
