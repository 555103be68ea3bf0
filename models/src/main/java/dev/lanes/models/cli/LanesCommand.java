package dev.lanes.models.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The {@code lanes} command line. With no sub-command it runs the main job ({@link MainJob}). */
@Command(name = "lanes", mixinStandardHelpOptions = true, version = "lanes 0.1.0",
        description = {"A pure-Java inference engine for the CPU.",
            "With no command: sentence embeddings of a few example sentences with all-MiniLM-L6-v2,",
            "their cosine-similarity matrix and the latency."},
        subcommands = {EmbedCommand.class, DetectTextCommand.class, InfoCommand.class, BenchCommand.class, CompareCommand.class,
            RunCommand.class, OnnxTestCommand.class, BuildModelCommand.class})
public final class LanesCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = {"-t", "--threads"}, defaultValue = "0", description = "Intra-op threads for the main job (default: all processors).")
    int threads;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line (for tests: set its out and err writers). */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new LanesCommand());
        cl.setExecutionExceptionHandler(new ErrorHandler());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        return cl;
    }

    @Override
    public Integer call() throws Exception {
        return new MainJob(threads).run(spec.commandLine().getOut());
    }
}
