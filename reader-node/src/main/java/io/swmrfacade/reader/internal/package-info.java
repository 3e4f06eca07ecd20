/**
 * How the reader node works: the follow thread ({@code FollowLoop}, {@code FileTracker}), its
 * outputs (the console {@code ConsoleReport}, the HTTP {@code StatusServer}, the Kafka
 * {@code MonitorPublisher}) and the pacing helpers ({@code ReportThrottle}, {@code RateMeter}).
 * Not an API: anything here may change.
 */
package io.swmrfacade.reader.internal;
