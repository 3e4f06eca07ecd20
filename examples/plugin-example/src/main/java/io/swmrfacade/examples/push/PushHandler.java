package io.swmrfacade.examples.push;

import io.swmrfacade.writer.TaskHandler;
import io.swmrfacade.writer.TaskInput;
import io.swmrfacade.writer.TaskOutput;
import io.swmrfacade.writer.TaskRejectedException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Seed 004's {@code docker push}, simulated: the payload names an image ({@code name:tag}); the
 * "upload" takes {@link #UPLOAD_MILLIS} and the output is {@code pushed <image> sha256:<digest>}
 * with the first 12 hex digits of the SHA-256 of the image name. At most 3 run at once on a node.
 *
 * <p>Thread-safe (stateless); responds to interruption (time limit, shutdown).
 */
public final class PushHandler implements TaskHandler {

    static final long UPLOAD_MILLIS = 200;
    private static final Pattern IMAGE = Pattern.compile("[a-z0-9][a-z0-9._/-]{0,127}:[A-Za-z0-9_.-]{1,128}");

    @Override
    public String type() {
        return "push";
    }

    @Override
    public TaskOutput run(TaskInput input) throws InterruptedException {
        String image = new String(input.payload(), StandardCharsets.UTF_8).trim();
        if (!IMAGE.matcher(image).matches()) {
            // Bad input is never retried: the task gets a REJECTED result with this message.
            throw new TaskRejectedException("push payload must be an image name:tag, not '" + image + "'");
        }
        Thread.sleep(UPLOAD_MILLIS);
        return TaskOutput.of("pushed " + image + " sha256:" + digest(image));
    }

    /** At most 3 pushes at once per node, unless the node's writer.concurrency says otherwise. */
    @Override
    public int maxConcurrency() {
        return 3;
    }

    static String digest(String image) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(image.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
