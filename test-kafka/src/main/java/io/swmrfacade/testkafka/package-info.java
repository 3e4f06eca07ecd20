/**
 * The one Kafka cluster a test run uses, and the one place that chooses where it comes from:
 * {@link io.swmrfacade.testkafka.TestKafka#bootstrap()}. See {@link io.swmrfacade.testkafka.BrokerChoice}.
 */
package io.swmrfacade.testkafka;
