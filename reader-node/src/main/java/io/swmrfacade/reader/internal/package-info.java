/**
 * How the reader node works: the follow thread ({@code FollowLoop}, {@code FileTracker},
 * {@code SignalTap} with its {@code SampleWindow}s and {@code FailureLog}), its outputs (the
 * console {@code ConsoleReport}, the HTTP {@code StatusServer} with {@code PageJson},
 * {@code Envelope} and {@code WriterWatch}, the Kafka {@code MonitorPublisher}) and the pacing
 * helpers ({@code ReportThrottle}, {@code RateMeter}, {@code PollLag}). Not an API: anything here
 * may change.
 */
package io.swmrfacade.reader.internal;
