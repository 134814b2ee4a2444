package ke.fleettickets;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The configuration in effect: every variable the runner reads, its value as the commands
 * would take it (secrets masked) and where it came from. Checked by the same code the
 * commands use, so a value this accepts is one they accept.
 */
@Command(name = "config",
        mixinStandardHelpOptions = true,
        description = {
            "Prints every setting fleettickets reads from the environment: the value in effect",
            "(passwords, keys and tokens as ***) and where it came from (the variable, or the",
            "default). A missing or malformed setting is named on stderr, with what it must hold.",
            "It connects to nothing."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:every setting is valid",
            "2:a setting is missing or malformed (one line on stderr names each)"
        })
final class ConfigCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    private final Settings settings;

    ConfigCommand(Settings settings) {
        this.settings = settings;
    }

    @Override
    public Integer call() {
        Settings.Effective effective = settings.effective();
        int nameWidth = 0;
        int sourceWidth = 0;
        for (Settings.Shown s : effective.settings()) {
            nameWidth = Math.max(nameWidth, s.variable().length());
            sourceWidth = Math.max(sourceWidth, s.source().length());
        }
        PrintWriter out = spec.commandLine().getOut();
        for (Settings.Shown s : effective.settings()) {
            // values come from outside: a control character shows, it does not act
            out.println(pad(s.variable(), nameWidth) + "  " + pad(s.source(), sourceWidth) + "  " + Escaped.of(s.value()));
        }
        out.flush();
        if (!effective.problems().isEmpty()) {
            throw new UsageException(String.join("; ", effective.problems()));
        }
        return ExitCode.OK;
    }

    private static String pad(String text, int width) {
        return text + " ".repeat(Math.max(0, width - text.length()));
    }
}
