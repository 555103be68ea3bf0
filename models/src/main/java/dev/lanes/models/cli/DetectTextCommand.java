package dev.lanes.models.cli;

import dev.lanes.graph.Backend;
import dev.lanes.graph.Session;
import dev.lanes.models.KnownModel;
import dev.lanes.models.ModelStore;
import dev.lanes.models.vision.BgrImage;
import dev.lanes.models.vision.BoxPainter;
import dev.lanes.models.vision.DbPostProcess;
import dev.lanes.models.vision.DetPreprocess;
import dev.lanes.models.vision.QuadCrop;
import dev.lanes.models.vision.TextBox;
import dev.lanes.models.vision.TextDetector;
import dev.lanes.models.vision.TextOrientation;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code lanes detect-text}: PaddleOCR's PP-OCRv4 detector (and orientation classifier) on an image. */
@Command(name = "detect-text", mixinStandardHelpOptions = true,
        description = {"Finds lines of text in a PNG or JPEG with PaddleOCR's PP-OCRv4 detector, prints their boxes",
            "and the orientation PaddleOCR's classifier gives each, and writes the image with the boxes drawn",
            "next to the input (IMAGE.text.png)."})
final class DetectTextCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "IMAGE", description = "A PNG or JPEG (any format javax.imageio reads).")
    Path image;

    @Option(names = {"-o", "--out"}, paramLabel = "PNG", description = "Where to write the annotated image (default: IMAGE.text.png beside the input).")
    Path out;

    @Option(names = "--limit-side", defaultValue = "960", description = "Longest side the detector sees (default ${DEFAULT-VALUE}).")
    int limitSide;

    @Option(names = "--box-thresh", defaultValue = "0.6", description = "Least mean probability of a box (default ${DEFAULT-VALUE}).")
    double boxThresh;

    @Option(names = "--unclip", defaultValue = "1.5", description = "How far boxes grow around the text core (default ${DEFAULT-VALUE}).")
    double unclip;

    @Option(names = "--no-orientation", description = "Skip the 0/180 degree orientation classifier.")
    boolean noOrientation;

    @Option(names = {"-t", "--threads"}, defaultValue = "0", description = "Intra-op threads (default: all processors).")
    int threads;

    @Override
    public Integer call() throws IOException {
        BgrImage img = BgrImage.read(image);
        ModelStore store = ModelStore.standard();
        DbPostProcess post = new DbPostProcess(DbPostProcess.PADDLE_DEFAULT.thresh(), boxThresh, unclip,
                DbPostProcess.PADDLE_DEFAULT.maxCandidates(), DbPostProcess.PADDLE_DEFAULT.minSize());
        var options = SessionFactory.options(threads, Backend.FAST);
        List<TextBox> boxes;
        double ms;
        try (Session det = Session.open(store.path(KnownModel.PPOCR_V4_DET), options)) {
            long t0 = System.nanoTime();
            boxes = new TextDetector(det, new DetPreprocess(limitSide), post).detect(img).boxes();
            ms = (System.nanoTime() - t0) / 1e6;
        }
        List<TextOrientation.Answer> orientation = new ArrayList<>();
        if (!noOrientation && !boxes.isEmpty()) {
            try (Session cls = Session.open(store.path(KnownModel.PPOCR_MOBILE_V2_CLS), options)) {
                List<BgrImage> crops = new ArrayList<>();
                for (TextBox b : boxes) crops.add(QuadCrop.crop(img, b));
                orientation = new TextOrientation(cls).classify(crops);
            }
        }
        Path target = out != null ? out : defaultOut(image);
        BoxPainter.writePng(img, boxes, target);
        PrintWriter w = spec.commandLine().getOut();
        w.printf(Locale.ROOT, "%s: %dx%d, %d text boxes (detector %.0f ms)%n", image, img.width(), img.height(), boxes.size(), ms);
        for (int i = 0; i < boxes.size(); i++) {
            String o = orientation.isEmpty() ? "" : String.format(Locale.ROOT, "  %d deg (p %.2f)", orientation.get(i).degrees(), orientation.get(i).probability());
            w.printf(Locale.ROOT, "%3d  %s%s%n", i + 1, boxes.get(i), o);
        }
        w.println("annotated image: " + target);
        w.flush();
        return 0;
    }

    static Path defaultOut(Path image) {
        String name = image.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        return image.resolveSibling(stem + ".text.png");
    }
}
