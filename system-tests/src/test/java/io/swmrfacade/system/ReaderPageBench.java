package io.swmrfacade.system;

import io.swmrfacade.reader.ReaderId;
import io.swmrfacade.reader.internal.FollowLoop;
import io.swmrfacade.reader.internal.PollLag;
import io.swmrfacade.reader.internal.StatusServer;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Does the live page slow the reader's follow loop? {@code bench/run page [seconds pages]}: a
 * writer process appends a sine (4,096 Hz, a flush every 64 samples); a reader follows it with
 * the 1 ms poll and serves its page. The follow loop's poll lag (how much later than its 1 ms
 * interval each poll starts) is measured with no page, with {@code pages} pages polling (each
 * does what the page's script does every 500 ms: GET /api/status, then GET /api/window for the
 * stream at the page's width), and with no page again.
 */
public final class ReaderPageBench {

    private static final String STREAM = "/live_survey/MT001/run_001/Ex";
    private static final int PAGE_COLUMNS = 656;
    private static final long PAGE_POLL_MS = 500;

    private ReaderPageBench() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int pages = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        Path dir = Files.createTempDirectory("reader-page-bench");
        Path file = dir.resolve("mt.h5");
        try (SineWriterProcess writer = SineWriterProcess.start(file, STREAM, 4096, 64, 700)) {
            ReaderId id = new ReaderId("bench-reader");
            FollowLoop loop = new FollowLoop(id, file, Duration.ofMillis(1), Duration.ofMillis(500), Duration.ofSeconds(60),
                    Clock.systemUTC(), new PrintStream(PrintStream.nullOutputStream()), s -> { }, 10, 4096);
            Thread follow = new Thread(loop, "bench-follow");
            follow.setDaemon(true);
            follow.start();
            StatusServer server = StatusServer.start(id, "127.0.0.1", 0, loop, Duration.ofSeconds(10));
            try {
                writer.command("run");
                LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(5)); // warm up: JIT, a full window
                String base = "http://127.0.0.1:" + server.port();
                System.out.println(measure(loop, base, 0, seconds, "no page"));
                System.out.println(measure(loop, base, pages, seconds, pages + " pages"));
                System.out.println(measure(loop, base, 0, seconds, "no page again"));
            } finally {
                loop.stop();
                follow.interrupt();
                follow.join(5_000);
                server.close();
            }
        } finally {
            BenchFiles.deleteTree(dir);
        }
    }

    private static String measure(FollowLoop loop, String base, int pages, int seconds, String label) throws Exception {
        AtomicBoolean on = new AtomicBoolean(true);
        AtomicLong requests = new AtomicLong();
        AtomicLong requestNanos = new AtomicLong();
        AtomicLong bytes = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        String window = base + "/api/window?stream=" + URLEncoder.encode(STREAM, StandardCharsets.UTF_8) + "&px=" + PAGE_COLUMNS;
        for (int p = 0; p < pages; p++) {
            Thread t = new Thread(() -> {
                long due = System.nanoTime();
                while (on.get()) {
                    for (String url : new String[] {base + "/api/status", window}) {
                        long start = System.nanoTime();
                        try {
                            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(url))
                                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofByteArray());
                            bytes.addAndGet(r.body().length);
                        } catch (Exception e) {
                            System.err.println("page request failed: " + e);
                        }
                        requests.incrementAndGet();
                        requestNanos.addAndGet(System.nanoTime() - start);
                    }
                    due += TimeUnit.MILLISECONDS.toNanos(PAGE_POLL_MS);
                    LockSupport.parkNanos(Math.max(0, due - System.nanoTime()));
                }
            }, "page-" + p);
            t.setDaemon(true);
            threads.add(t);
        }
        // Spread the pages over one poll period, as pages opened at different times are.
        for (int p = 0; p < threads.size(); p++) {
            threads.get(p).start();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(PAGE_POLL_MS / Math.max(1, pages)));
        }
        long since = loop.pollLag().count();
        long started = System.nanoTime();
        LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(seconds));
        long[] lags = loop.pollLag().since(since);
        double elapsed = (System.nanoTime() - started) / 1e9;
        on.set(false);
        for (Thread t : threads) {
            t.join(10_000);
        }
        long n = requests.get();
        return String.format(Locale.ROOT, "RESULT %s: %d polls (%.0f/s); poll lag p50 %d us, p99 %d us, p99.9 %d us, max %d us"
                        + "; %d page requests (%.1f/s, mean %.2f ms, %.0f bytes each)",
                label, lags.length, lags.length / elapsed, PollLag.quantile(lags, 0.5), PollLag.quantile(lags, 0.99),
                PollLag.quantile(lags, 0.999), lags.length == 0 ? 0 : lags[lags.length - 1], n, n / elapsed,
                n == 0 ? 0.0 : requestNanos.get() / 1e6 / n, n == 0 ? 0.0 : (double) bytes.get() / n);
    }
}
