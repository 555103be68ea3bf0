package dev.lanes.graph.onnx;

/** A model or tensor file that is not valid ONNX, or that this runtime cannot accept as it stands. */
public class OnnxFormatException extends dev.lanes.graph.ModelException {
    private static final long serialVersionUID = 1L;

    public OnnxFormatException(String message) {
        super(message);
    }

    public OnnxFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
