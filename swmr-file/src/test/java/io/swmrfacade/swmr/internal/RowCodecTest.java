package io.swmrfacade.swmr.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class RowCodecTest {

    /** The column's bytes as the charset gives them: ASCII, '?' per code point it cannot map, cut and NUL-padded. */
    private static byte[] expected(String s, int len) {
        byte[] ascii = s.getBytes(StandardCharsets.US_ASCII);
        return Arrays.copyOf(ascii, len);
    }

    @Test
    void text_columns_are_ascii_cut_to_their_width_and_nul_padded() {
        for (String s : new String[] {"", "echo", "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", "x".repeat(40), "sessión",
            "a\uD83D\uDE00b", "日本語のセッション-日本語のセッション-日本語のセッション"}) {
            ByteBuffer b = ByteBuffer.allocate(3 + RowCodec.ID_LEN + 2);
            b.put((byte) 7).put((byte) 7).put((byte) 7);
            RowCodec.putString(b, s, RowCodec.ID_LEN);
            assertThat(b.position()).as(s).isEqualTo(3 + RowCodec.ID_LEN);
            assertThat(Arrays.copyOfRange(b.array(), 3, 3 + RowCodec.ID_LEN)).as(s).isEqualTo(expected(s, RowCodec.ID_LEN));
            b.position(3);
            assertThat(RowCodec.getString(b, RowCodec.ID_LEN)).as(s)
                    .isEqualTo(new String(expected(s, RowCodec.ID_LEN), StandardCharsets.US_ASCII).replace("\0", ""));
        }
    }
}
