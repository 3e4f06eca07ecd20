package io.swmrfacade.coordinator;

import java.util.List;

/**
 * What the coordinator found for one topic.
 *
 * @param created   true if the coordinator created it just now
 * @param problems  how an existing topic differs from its spec (empty if it matches)
 */
public record TopicCheck(String topic, boolean created, List<String> problems) {

    public boolean ok() {
        return problems.isEmpty();
    }
}
