package ke.fleettickets.testing;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The runner as a process of its own, for what only a real process shows: being killed. */
public final class RunnerProcess {
    private RunnerProcess() {
    }

    /** Starts {@code fleettickets ARGS} with the test's classpath; its output is discarded. */
    public static Process start(Map<String, String> env, String... args) throws Exception {
        return start(env, ProcessBuilder.Redirect.DISCARD, args);
    }

    /** Starts {@code fleettickets ARGS} with the test's classpath, stdout and stderr both to {@code output}. */
    public static Process start(Map<String, String> env, Path output, String... args) throws Exception {
        return start(env, ProcessBuilder.Redirect.to(output.toFile()), args);
    }

    private static Process start(Map<String, String> env, ProcessBuilder.Redirect output, String... args)
            throws Exception {
        List<String> command = new ArrayList<>(List.of(
                System.getProperty("java.home") + File.separator + "bin" + File.separator + "java",
                "-cp", System.getProperty("java.class.path"), "ke.fleettickets.Main"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output);
        pb.environment().putAll(env);
        return pb.start();
    }

    /** SIGKILL: no shutdown hook, no rollback from the client. */
    public static void kill(Process p) throws InterruptedException {
        p.destroyForcibly();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("the runner did not die");
        }
    }
}
