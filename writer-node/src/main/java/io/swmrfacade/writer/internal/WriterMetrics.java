package io.swmrfacade.writer.internal;

import java.util.function.Function;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * What a writer node measures, hooked in where the events happen: {@link Intake} says when a task
 * was taken from Kafka, and {@link TaskLoopBuilder} wraps the recording of outcomes, the file
 * flush and the transactions with the decorators this returns. {@link #NONE} (no metrics port)
 * returns every part unwrapped, so a node without metrics pays nothing.
 *
 * <p>Every hook runs on the loop thread; {@link MicrometerWriterMetrics} is the implementation.
 */
interface WriterMetrics {

    WriterMetrics NONE = new WriterMetrics() {
        @Override
        public void taken(Inflight t) {
        }

        @Override
        public Function<Outcome, ProducerRecord<byte[], byte[]>> recording(Function<Outcome, ProducerRecord<byte[], byte[]>> recorder) {
            return recorder;
        }

        @Override
        public Runnable flushing(Runnable flush) {
            return flush;
        }

        @Override
        public Transactions transactions(Transactions txns) {
            return txns;
        }
    };

    /** {@code t} was just taken from Kafka; its queue wait runs from now until its handler starts. */
    void taken(Inflight t);

    /** {@code recorder}, which writes an outcome into the file, also counting and timing each outcome it records. */
    Function<Outcome, ProducerRecord<byte[], byte[]>> recording(Function<Outcome, ProducerRecord<byte[], byte[]>> recorder);

    /** {@code flush}, timed; the results of the outcomes recorded before it count as sent once it returns. */
    Runnable flushing(Runnable flush);

    /** {@code txns}, with its open transactions and commits counted. */
    Transactions transactions(Transactions txns);
}
