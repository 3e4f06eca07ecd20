package io.swmrfacade.writer.internal;

import org.apache.kafka.common.KafkaException;

/**
 * A transaction's commit was asked for and neither its success nor its failure could be learnt
 * (the brokers stayed out of reach past every try). Aborting or sending again could commit the
 * results twice, so the loop stops; the next loop's new producer epoch settles the transaction
 * one way or the other, and the file answers what it holds.
 */
public final class CommitOutcomeUnknownException extends KafkaException {

    private static final long serialVersionUID = 1L;

    CommitOutcomeUnknownException(String message, Throwable cause) {
        super(message, cause);
    }
}
