package dev.lanes.models.builders;

/**
 * The catalogue of built models: each architecture at its published size ({@link Size#FULL}, what the
 * benchmarks run) or shrunk in width and depth but with the same graph structure ({@link Size#TINY},
 * what tests run on the reference backend). Tests and benchmarks iterate over this list, so a new
 * builder added here gets both.
 */
public enum Architecture {
    RESNET50("resnet50", 25_557_032L),
    MOBILENET_V2("mobilenetv2", 3_504_872L),
    BERT_BASE("bert_base", 109_482_240L),
    GPT2_SMALL("gpt2_small", 124_439_808L),
    VIT_B16("vit_b_16", 86_567_656L);

    /** Which configuration of the architecture to build. */
    public enum Size { FULL, TINY }

    /** The seed the benchmarks and the written model files use. */
    public static final long DEFAULT_SEED = 7;

    private final String id;
    private final long publishedParameters;

    Architecture(String id, long publishedParameters) {
        this.id = id;
        this.publishedParameters = publishedParameters;
    }

    /** The name users and benchmark parameters use ({@code resnet50}). */
    public String id() {
        return id;
    }

    /** Trainable parameters of the full-size model as its reference implementation counts them. */
    public long publishedParameters() {
        return publishedParameters;
    }

    public BuiltModel build(Size size, long seed) {
        boolean full = size == Size.FULL;
        return switch (this) {
            case RESNET50 -> ResNet50.build(full ? ResNet50.Config.full() : ResNet50.Config.tiny(), seed);
            case MOBILENET_V2 -> MobileNetV2.build(full ? MobileNetV2.Config.full() : MobileNetV2.Config.tiny(), seed);
            case BERT_BASE -> BertEncoder.build(full ? BertEncoder.Config.base() : BertEncoder.Config.tiny(), seed);
            case GPT2_SMALL -> Gpt2Decoder.build(full ? Gpt2Decoder.Config.small() : Gpt2Decoder.Config.tiny(), seed);
            case VIT_B16 -> VitB16.build(full ? VitB16.Config.b16() : VitB16.Config.tiny(), seed);
        };
    }

    /** The architecture named by its id or enum name, case-insensitively. */
    public static Architecture byName(String name) {
        for (Architecture a : values()) {
            if (a.id.equalsIgnoreCase(name) || a.name().equalsIgnoreCase(name)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown architecture '" + name + "'; known: resnet50, mobilenetv2, bert_base, gpt2_small, vit_b_16");
    }
}
