package io.swmrfacade.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.swmrfacade.client.internal.TimeOrderedIds;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class TaskIdTest {

    @Test
    void a_made_id_is_a_uuid7_whose_text_reads_back_as_an_equal_id() {
        List<TaskId> made = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            made.add(TaskId.next());
        }
        assertThat(made).isSorted().doesNotHaveDuplicates();
        for (TaskId id : made) {
            String text = id.value();
            assertThat(TimeOrderedIds.isValid(text)).as(text).isTrue();
            assertThat(UUID.fromString(text).toString()).isEqualTo(text);
            TaskId read = new TaskId(text);
            assertThat(read).isEqualTo(id).hasSameHashCodeAs(id);
            assertThat(read.compareTo(id)).isZero();
            assertThat(read.toString()).isEqualTo(text);
        }
    }

    @Test
    void ids_sort_as_their_text_does_whatever_their_form() {
        Random random = new Random(42);
        List<String> texts = new ArrayList<>(List.of("a", "job-7", "zzz", "00000000-0000-0000-0000-000000000000",
                "ffffffff-ffff-ffff-ffff-ffffffffffff", "FFFFFFFF-0000-0000-0000-000000000000", "12345678-1234-1234-1234-12345678901",
                "7fffffff-ffff-ffff-ffff-ffffffffffff", "80000000-0000-0000-0000-000000000000"));
        for (int i = 0; i < 2_000; i++) {
            texts.add(new UUID(random.nextLong(), random.nextLong()).toString());
            // ids that share their high bits, so the low ones decide, both sides of the sign bit
            texts.add(new UUID(0x0123456789abcdefL, random.nextLong()).toString());
        }
        List<TaskId> ids = texts.stream().map(TaskId::new).sorted().toList();
        assertThat(ids.stream().map(TaskId::value).toList()).isEqualTo(texts.stream().sorted().toList());
        for (int i = 1; i < ids.size(); i++) {
            assertThat(Integer.signum(ids.get(i - 1).compareTo(ids.get(i))))
                    .isEqualTo(Integer.signum(ids.get(i - 1).value().compareTo(ids.get(i).value())));
        }
    }

    @Test
    void text_that_is_not_a_canonical_uuid_is_kept_as_it_is() {
        String upper = "0190F0E4-8C3B-7A55-9F00-0123456789AB";
        TaskId id = new TaskId(upper);
        assertThat(id.value()).isEqualTo(upper);
        assertThat(id).isNotEqualTo(new TaskId(upper.toLowerCase()));
        assertThat(new TaskId("job-7")).isEqualTo(new TaskId("job-7")).hasSameHashCodeAs(new TaskId("job-7"));
        assertThat(new TaskId("job-7")).isNotEqualTo(new TaskId("job-8"));
        assertThat(Comparator.<TaskId>naturalOrder().compare(new TaskId("a"), new TaskId(upper))).isPositive();
    }

    @Test
    void an_id_has_one_to_36_characters() {
        assertThatThrownBy(() -> new TaskId("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TaskId("x".repeat(37))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1 to 36 characters");
        assertThatThrownBy(() -> new TaskId(null)).isInstanceOf(NullPointerException.class);
        assertThat(new TaskId("x".repeat(36)).value()).isEqualTo("x".repeat(36));
    }
}
