package ke.fleettickets;

import java.net.URI;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;

/**
 * Loads the classes a bucket drain uses (JDBC driver, S3 client, request signing, XML)
 * against endpoints that answer nothing, and changes nothing. The image build runs it with
 * {@code -XX:ArchiveClassesAtExit} to make a class-data-sharing archive, which is what lets
 * a run with nothing to do start in about a second.
 */
@Command(name = "warm-up", hidden = true,
        description = "Load the classes a drain uses, touching no database or bucket (image build only).")
final class WarmUpCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        BucketSettings nowhere = new BucketSettings(URI.create("http://127.0.0.1:1"),
                BucketSettings.DEFAULT_REGION, BucketSettings.DEFAULT_BUCKET, "warm-up", "warm-up", 1);
        try (Bucket bucket = new Bucket(nowhere)) {
            bucket.listChanges();
        } catch (InfrastructureException expected) {
            // nobody listens on port 1: the classes are loaded all the same
        }
        try {
            DriverManager.getConnection("jdbc:postgresql://127.0.0.1:1/warm-up?connectTimeout=1").close();
        } catch (SQLException expected) {
            // likewise
        }
        Json.object(java.util.Map.of("event", "warm-up"));
        return ExitCode.OK;
    }
}
