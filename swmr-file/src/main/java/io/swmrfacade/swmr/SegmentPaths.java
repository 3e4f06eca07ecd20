package io.swmrfacade.swmr;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Names the segments of one logical file. Segment 0 is the path the user gave
 * ({@code data/run.h5}); segment {@code n > 0} sits beside it as {@code data/run.n.h5}. A writer
 * rolls over to the next segment when the layout must change (a new stream), because HDF5 cannot
 * create objects while SWMR writing is on; readers follow the segments in order.
 */
public record SegmentPaths(Path base) {

    public SegmentPaths {
        base = base.toAbsolutePath().normalize();
    }

    public Path segment(int index) {
        if (index == 0) {
            return base;
        }
        String name = base.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        String ext = dot > 0 ? name.substring(dot) : "";
        return base.resolveSibling(stem + "." + index + ext);
    }

    /** The highest segment index whose file exists, or -1 when even segment 0 is missing. */
    public int lastExisting() {
        int i = -1;
        while (Files.exists(segment(i + 1))) {
            i++;
        }
        return i;
    }
}
