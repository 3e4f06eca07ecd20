package io.swmrfacade.swmr.internal;

import io.swmrfacade.swmr.TaskRow;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * What a writer has staged and not yet written to its file: task rows, encoded, and output bytes
 * for the heap. The writer takes both at its flush, heap first. Grows as needed.
 *
 * <p>Not thread-safe (the writing thread's).
 */
public final class StagedBytes {

    private ByteBuffer rows = ByteBuffer.allocate(RowCodec.ROW_SIZE * 64).order(ByteOrder.LITTLE_ENDIAN);
    private int rowCount;
    private ByteBuffer heap = ByteBuffer.allocate(64 * 1024);

    /** Stages heap bytes; returns how many heap bytes were staged before them. */
    public long stageHeap(byte[] bytes) {
        long before = heap.position();
        if (heap.remaining() < bytes.length) {
            heap = grow(heap, bytes.length);
        }
        heap.put(bytes);
        return before;
    }

    /** Stages a row; returns how many rows were staged before it. */
    public long stageRow(TaskRow row) {
        if (rows.remaining() < RowCodec.ROW_SIZE) {
            rows = grow(rows, RowCodec.ROW_SIZE);
        }
        RowCodec.encode(row, rows);
        return rowCount++;
    }

    public int rowCount() {
        return rowCount;
    }

    /** The staged heap bytes, or null if none; nothing is staged on the heap after. */
    public byte[] takeHeap() {
        return take(heap);
    }

    /** The staged rows' bytes ({@link #rowCount()} rows), or null if none; no row is staged after. */
    public byte[] takeRows() {
        rowCount = 0;
        return take(rows);
    }

    private static byte[] take(ByteBuffer buf) {
        if (buf.position() == 0) {
            return null;
        }
        byte[] bytes = new byte[buf.position()];
        buf.flip().get(bytes);
        buf.clear();
        return bytes;
    }

    private static ByteBuffer grow(ByteBuffer buf, int needed) {
        ByteBuffer bigger = ByteBuffer.allocate(Math.max(buf.capacity() * 2, buf.position() + needed)).order(buf.order());
        buf.flip();
        bigger.put(buf);
        return bigger;
    }
}
