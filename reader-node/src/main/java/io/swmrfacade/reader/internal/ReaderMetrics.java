package io.swmrfacade.reader.internal;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.swmrfacade.reader.Snapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * A reader node's meters, read from its latest snapshot at scrape time: rows seen and task rows
 * by status, the segment followed and its size on disk, and the poll lag (how long since the
 * reader last looked at the file: about {@code reader.poll.ms} while it keeps up, growing when it
 * does not).
 *
 * <p>Registering is all it does; the gauges hold it strongly (Micrometer holds gauge objects
 * weakly by default, and nothing else holds this one). Thread-safe: snapshots are immutable.
 */
public final class ReaderMetrics {

    private final Supplier<Snapshot> snapshots;
    private final LongSupplier lastPollNanos;

    public ReaderMetrics(MeterRegistry registry, FollowLoop loop) {
        this.snapshots = loop::snapshot;
        this.lastPollNanos = loop::lastPollNanos;
        // FunctionCounter holds its object weakly and has no strong option: give it the loop, which the node holds.
        FunctionCounter.builder("sf.reader.rows", loop, l -> l.snapshot().totalRows())
                .description("Task rows seen in the file, all segments").register(registry);
        status(registry, "OK", s -> s.tasks().ok());
        status(registry, "FAILED", s -> s.tasks().failed());
        status(registry, "REJECTED", s -> s.tasks().rejected());
        status(registry, "WORKER_CRASHED", s -> s.tasks().workerCrashed());
        status(registry, "EXPIRED", s -> s.tasks().expired());
        status(registry, "CANCELLED", s -> s.tasks().cancelled());
        status(registry, "OTHER", s -> s.tasks().other());
        Gauge.builder("sf.reader.segment", this, m -> m.snapshots.get().segment())
                .description("Segment of the file being followed; -1 before it is open").strongReference(true).register(registry);
        Gauge.builder("sf.reader.file.size", this, ReaderMetrics::segmentBytes).baseUnit("bytes")
                .description("Size on disk of the segment being followed").strongReference(true).register(registry);
        Gauge.builder("sf.reader.poll.lag", this, ReaderMetrics::pollLagSeconds).baseUnit("seconds")
                .description("Time since the reader last looked at the file").strongReference(true).register(registry);
        Gauge.builder("sf.reader.following", this, m -> m.snapshots.get().state() == Snapshot.State.FOLLOWING ? 1 : 0)
                .description("1 while the file is open and followed").strongReference(true).register(registry);
    }

    private void status(MeterRegistry registry, String status, ToDoubleFunction<Snapshot> count) {
        Gauge.builder("sf.reader.tasks", this, m -> count.applyAsDouble(m.snapshots.get())).tag("status", status)
                .description("Task rows in the file by status").strongReference(true).register(registry);
    }

    private double segmentBytes() {
        Path file = snapshots.get().segmentFile();
        try {
            return file == null ? 0 : Files.size(file);
        } catch (IOException e) {
            return Double.NaN; // rolled over or removed between the snapshot and the scrape
        }
    }

    private double pollLagSeconds() {
        long last = lastPollNanos.getAsLong();
        return last == 0 ? Double.NaN : (System.nanoTime() - last) / 1e9;
    }
}
