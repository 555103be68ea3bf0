package dev.lanes.models.cli;

import dev.lanes.graph.io.Npy;
import dev.lanes.models.builders.Architecture;
import dev.lanes.models.builders.BuiltModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lanes build-model NAME [--dir DIR] [--tiny] [--seed N]}: builds one of the architectures of
 * {@link Architecture} with deterministic random weights and writes it as {@code DIR/NAME.onnx}, with
 * its example input as {@code DIR/NAME.inputs/<input>.npy} — ready for {@code lanes run}, {@code lanes
 * bench} or ONNX Runtime.
 */
@Command(name = "build-model", mixinStandardHelpOptions = true,
        description = "Build ResNet-50, MobileNetV2, BERT-base, GPT-2 small or ViT-B/16 with random weights and write it as ONNX.")
public final class BuildModelCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NAME", description = "resnet50, mobilenetv2, bert_base, gpt2_small or vit_b_16")
    String name;

    @Option(names = "--dir", paramLabel = "DIR", defaultValue = ".", description = "where to write (default: the current folder)")
    Path dir;

    @Option(names = "--tiny", description = "the narrow, shallow test configuration instead of the published size")
    boolean tiny;

    @Option(names = "--seed", defaultValue = "7", description = "seed of the weights and the example input (default: ${DEFAULT-VALUE})")
    long seed;

    @Override
    public Integer call() throws Exception {
        Architecture a;
        try {
            a = Architecture.byName(name);
        } catch (IllegalArgumentException e) {
            System.err.println("lanes build-model: " + e.getMessage());
            return 2;
        }
        BuiltModel m = a.build(tiny ? Architecture.Size.TINY : Architecture.Size.FULL, seed);
        Path file = dir.resolve(m.name() + ".onnx");
        m.writeTo(file);
        Path inputs = dir.resolve(m.name() + ".inputs");
        Files.createDirectories(inputs);
        Map<String, dev.lanes.graph.Tensor> sorted = new TreeMap<>(m.exampleInputs());
        StringBuilder runArgs = new StringBuilder();
        for (var e : sorted.entrySet()) {
            Path npy = inputs.resolve(e.getKey() + ".npy");
            Npy.write(e.getValue(), npy);
            runArgs.append(" --input ").append(e.getKey()).append('=').append(npy);
        }
        System.out.printf(Locale.ROOT, "%s: %,d parameters, %.1f MB, written to %s%n", m.name(), m.parameters(),
                Files.size(file) / 1e6, file);
        System.out.printf(Locale.ROOT, "example input in %s; run it with:%n  lanes run %s%s%n", inputs, file, runArgs);
        return 0;
    }
}
