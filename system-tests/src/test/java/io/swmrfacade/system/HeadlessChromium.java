package io.swmrfacade.system;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Debian's chromium, headless, as a real browser for page tests: loads a URL, lets its scripts
 * run for a virtual-time budget (fetches and timers included), then dumps the DOM or a screenshot.
 * Each call is its own browser process with its own profile, killed if it overruns.
 */
final class HeadlessChromium {

    private final Path binary;
    private final Path profiles;

    private HeadlessChromium(Path binary, Path profiles) {
        this.binary = binary;
        this.profiles = profiles;
    }

    /** The browser, or empty when no {@code chromium} is on the PATH. */
    static Optional<HeadlessChromium> find(Path workDir) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            Path p = Path.of(dir, "chromium");
            if (Files.isExecutable(p)) {
                return Optional.of(new HeadlessChromium(p, workDir));
            }
        }
        return Optional.empty();
    }

    /** The page's DOM after its scripts have run for {@code budgetMs} of virtual time. */
    String dumpDom(String url, int budgetMs) throws IOException, InterruptedException {
        return new String(run(url, budgetMs, "--dump-dom"), StandardCharsets.UTF_8);
    }

    /** Saves a PNG of the page, {@code width} x {@code height}, after {@code budgetMs} of virtual time. */
    void screenshot(String url, int budgetMs, Path png, int width, int height) throws IOException, InterruptedException {
        Files.createDirectories(png.toAbsolutePath().getParent());
        run(url, budgetMs, "--screenshot=" + png.toAbsolutePath(), "--window-size=" + width + "," + height, "--hide-scrollbars");
        if (!Files.isRegularFile(png)) {
            throw new IOException("chromium wrote no screenshot to " + png);
        }
    }

    private byte[] run(String url, int budgetMs, String... action) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory(profiles, "chromium-");
        List<String> cmd = new ArrayList<>(List.of(binary.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profile, "--virtual-time-budget=" + budgetMs));
        cmd.addAll(List.of(action));
        cmd.add(url);
        Path err = profile.resolve("stderr.log");
        Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new IOException("chromium did not finish with " + url + " within 60 s; see " + err);
        }
        if (p.exitValue() != 0) {
            throw new IOException("chromium exited " + p.exitValue() + " on " + url + "; see " + err);
        }
        return out;
    }
}
