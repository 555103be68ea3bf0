package dev.lanes.models;

import java.nio.file.Path;

/**
 * The three real models whose inputs and ONNX Runtime outputs sit in {@code ../shared/models/}:
 * each ties the model file (fetched by {@link ModelStore}) to its reference folder.
 */
public enum RealModel {
    MINILM_L6_V2("minilm_l6_v2", KnownModel.MINILM_L6_V2),
    PPOCR_V4_DET("ppocr_v4_det", KnownModel.PPOCR_V4_DET),
    PPOCR_MOBILE_V2_CLS("ppocr_mobile_v2_cls", KnownModel.PPOCR_MOBILE_V2_CLS);

    private final String folder;
    private final KnownModel file;

    RealModel(String folder, KnownModel file) {
        this.folder = folder;
        this.file = file;
    }

    /** The folder name under {@code shared/models/}, also the name users type ({@code minilm_l6_v2}). */
    public String id() {
        return folder;
    }

    public KnownModel file() {
        return file;
    }

    /** The model file, fetched into the store first if needed. */
    public Path modelPath(ModelStore store) {
        return store.path(file);
    }

    /** The fixed input and ONNX Runtime's output for it, read from {@link SharedData#modelsDir()}. */
    public ReferenceCase reference() {
        return ReferenceCase.load(SharedData.modelsDir().resolve(folder));
    }

    /** The model named by its id ({@code minilm_l6_v2}) or enum name, case-insensitively. */
    public static RealModel byName(String name) {
        for (RealModel m : values()) {
            if (m.folder.equalsIgnoreCase(name) || m.name().equalsIgnoreCase(name)) return m;
        }
        throw new IllegalArgumentException("unknown model '" + name + "'; known: minilm_l6_v2, ppocr_v4_det, ppocr_mobile_v2_cls");
    }
}
