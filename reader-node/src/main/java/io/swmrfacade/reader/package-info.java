/**
 * The reader node: follows a SWMR file live, read-only, and reports what it sees.
 *
 * <p>{@link io.swmrfacade.reader.ReaderNode} is the node, configured by
 * {@link io.swmrfacade.reader.ReaderConfig}; what it has seen is a
 * {@link io.swmrfacade.reader.Snapshot}; why it stopped is a
 * {@link io.swmrfacade.reader.ReaderException}; {@link io.swmrfacade.reader.ReaderMain} is the
 * process.
 */
package io.swmrfacade.reader;
