package io.swmrfacade.cli;

/**
 * Names one dead letter: its partition and offset on the dead-letter topic, written
 * {@code PARTITION-OFFSET} ({@code 0-17}). Stable for as long as the topic keeps the record.
 */
record DeadLetterId(int partition, long offset) {

    DeadLetterId {
        if (partition < 0 || offset < 0) {
            throw new IllegalArgumentException("dead letter id: partition and offset must be >= 0, not " + partition + "-" + offset);
        }
    }

    /** Parses {@code PARTITION-OFFSET}; the message names the bad text. */
    static DeadLetterId parse(String text) {
        String[] parts = text == null ? new String[0] : text.split("-", -1);
        try {
            if (parts.length == 2) {
                return new DeadLetterId(Integer.parseInt(parts[0]), Long.parseLong(parts[1]));
            }
        } catch (NumberFormatException e) {
            // falls through to the one message below
        }
        throw new IllegalArgumentException("dead letter id '" + text + "' is not PARTITION-OFFSET as sf dead-letters prints it (e.g. 0-17)");
    }

    @Override
    public String toString() {
        return partition + "-" + offset;
    }
}
