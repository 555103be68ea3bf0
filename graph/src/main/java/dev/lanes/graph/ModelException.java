package dev.lanes.graph;

/**
 * A model that cannot be loaded or run as it stands: malformed structure (cycles, dangling value
 * names), an unknown op or unsupported attribute, a bad input at run time. The message names the
 * node, op, domain, opset, value or field at fault.
 */
public class ModelException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ModelException(String message) {
        super(message);
    }

    public ModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
