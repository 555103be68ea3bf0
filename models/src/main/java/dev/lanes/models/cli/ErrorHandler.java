package dev.lanes.models.cli;

import dev.lanes.graph.ModelException;
import java.io.IOException;
import java.io.UncheckedIOException;
import picocli.CommandLine;

/**
 * Turns the failures a user can act on (a missing file, an unreadable image, a model with an
 * unsupported op, a bad option value) into one line on standard error and exit code 1; anything else
 * is a bug and keeps its stack trace (exit code 2).
 */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, CommandLine.ParseResult parsed) {
        if (ex instanceof IllegalArgumentException || ex instanceof ModelException || ex instanceof IOException
                || ex instanceof UncheckedIOException || ex instanceof IllegalStateException) {
            cmd.getErr().println(cmd.getCommandSpec().qualifiedName() + ": " + ex.getMessage());
            return 1;
        }
        cmd.getErr().println(cmd.getCommandSpec().qualifiedName() + ": internal error, please report it:");
        ex.printStackTrace(cmd.getErr());
        return 2;
    }
}
