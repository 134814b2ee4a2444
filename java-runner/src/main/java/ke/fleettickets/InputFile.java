package ke.fleettickets;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/** A local CSV file to ingest, with the ledger key it is recorded under. */
record InputFile(Path path, String key, long sizeBytes) implements ChangeFile {

    /** The file's base name; the default key, and how progress lines name it. */
    @Override
    public String name() {
        return path.getFileName().toString();
    }

    @Override
    public String label() {
        return path.toString();
    }

    @Override
    public String knownEtag() {
        return null;
    }

    @Override
    public InputStream open() throws IOException {
        return Files.newInputStream(path);
    }

    /**
     * Checks every file before the run starts, so a typo fails fast instead of after an
     * hour of ingesting, and orders them oldest first: byte order of their names, as the
     * contract requires (not locale order, not UTF-16 order).
     *
     * @param key the ledger key for a single file, or null for the base names
     */
    static List<InputFile> resolve(List<Path> paths, String key) {
        List<InputFile> files = new ArrayList<>();
        for (Path path : paths) {
            if (!Files.isRegularFile(path)) {
                throw new UsageException("cannot read input file " + path + ": "
                        + (Files.exists(path) ? "not a regular file" : "no such file"));
            }
            if (!Files.isReadable(path)) {
                throw new UsageException("cannot read input file " + path + ": permission denied");
            }
            try {
                String name = path.getFileName().toString();
                files.add(new InputFile(path, key != null ? key : name, Files.size(path)));
            } catch (IOException e) {
                throw new UsageException("cannot read input file " + OneLine.of(e));
            }
        }
        files.sort(Comparator.comparing(
                (InputFile f) -> f.name().getBytes(StandardCharsets.UTF_8), Arrays::compareUnsigned));
        return files;
    }
}
