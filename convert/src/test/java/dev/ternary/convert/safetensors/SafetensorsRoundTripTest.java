package dev.ternary.convert.safetensors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsRoundTripTest {
    @TempDir
    Path dir;

    private static final List<TensorSpec> SPECS = List.of(
            new TensorSpec("a", DType.F32, new long[] {2, 3}),
            new TensorSpec("b", DType.U8, new long[] {5}),
            new TensorSpec("c", DType.BF16, new long[] {4}),
            new TensorSpec("d", DType.I8, new long[] {3, 1}));

    private static byte[] bytesOf(TensorSpec spec) {
        byte[] b = new byte[(int) spec.byteSize()];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (spec.name().charAt(0) * 7 + i);
        }
        return b;
    }

    private void writeAll(CheckpointWriter writer) throws IOException {
        // out of order and in two pieces, as parallel converter threads would
        for (TensorSpec s : SPECS.reversed()) {
            byte[] b = bytesOf(s);
            int half = b.length / 2;
            writer.write(s.name(), half, ByteBuffer.wrap(b, half, b.length - half));
            writer.write(s.name(), 0, ByteBuffer.wrap(b, 0, half));
        }
    }

    @Test
    void singleFileRoundTripsDataShapesAndMetadata() throws IOException {
        try (CheckpointWriter w = CheckpointWriter.create(dir, SPECS, Map.of("format", "pt"), 0)) {
            writeAll(w);
        }
        Path file = dir.resolve("model.safetensors");
        assertFalse(Files.exists(dir.resolve(Checkpoint.INDEX_FILE)));
        long headerLength = ByteBuffer.wrap(Files.readAllBytes(file), 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, headerLength % 8, "header padded to 8 bytes");
        try (Checkpoint c = Checkpoint.openDirectory(dir); Arena arena = Arena.ofConfined()) {
            assertEquals(Map.of("format", "pt"), c.files().getFirst().metadata());
            for (TensorSpec s : SPECS) {
                TensorInfo t = c.tensor(s.name());
                assertEquals(s.dtype(), t.dtype());
                assertArrayEquals(s.shape(), t.shape());
                assertArrayEquals(bytesOf(s), c.map(s.name(), arena).toArray(ValueLayout.JAVA_BYTE));
            }
        }
    }

    @Test
    void shardedWritesIndexAndReadsBack() throws IOException {
        try (CheckpointWriter w = CheckpointWriter.create(dir, SPECS, Map.of(), 24)) {
            assertEquals(2, w.files().size());
            writeAll(w);
        }
        JsonNode index = new ObjectMapper().readTree(dir.resolve(Checkpoint.INDEX_FILE).toFile());
        assertEquals(24 + 5 + 8 + 3, index.path("metadata").path("total_size").asLong());
        assertEquals("model-00001-of-00002.safetensors", index.path("weight_map").path("a").asText());
        assertEquals("model-00002-of-00002.safetensors", index.path("weight_map").path("d").asText());
        try (Checkpoint c = Checkpoint.openDirectory(dir); Arena arena = Arena.ofConfined()) {
            assertEquals(2, c.files().size());
            for (TensorSpec s : SPECS) {
                assertArrayEquals(bytesOf(s), c.map(s.name(), arena).toArray(ValueLayout.JAVA_BYTE));
            }
        }
    }

    @Test
    void closingBeforeEveryTensorIsWrittenFails() throws IOException {
        CheckpointWriter w = CheckpointWriter.create(dir, SPECS, Map.of(), 0);
        w.write("a", 0, ByteBuffer.allocate(24));
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, w::close);
        assertTrue(e.getMessage().startsWith("tensor b got 0 of 5 bytes"), e.getMessage());
    }

    @Test
    void readsTensorsBeyondTwoGibibytes() throws IOException {
        // A sparse file: a 2.5 GiB U8 tensor followed by a small one; only the header and tail hold data.
        long big = 5L << 29;
        SafetensorsLayout layout = SafetensorsLayout.of(List.of(
                new TensorSpec("big", DType.U8, new long[] {big}),
                new TensorSpec("tail", DType.F32, new long[] {2})), Map.of());
        Path file = dir.resolve("big.safetensors");
        try (SafetensorsWriter w = SafetensorsWriter.create(file, layout)) {
            w.write("big", big - 1, ByteBuffer.wrap(new byte[] {42}));
            w.write("tail", 0, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(1.5f).putFloat(-2f).flip());
            try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
                raf.setLength(layout.fileSize()); // the untouched middle stays a hole
            }
            // the writer counts bytes: account for the hole we left unwritten on purpose
            w.abandon();
        }
        try (SafetensorsFile f = SafetensorsFile.open(file); Arena arena = Arena.ofConfined()) {
            MemorySegment bigSegment = f.map(f.tensor("big"), arena);
            assertEquals(big, bigSegment.byteSize());
            assertEquals(42, bigSegment.get(ValueLayout.JAVA_BYTE, big - 1));
            MemorySegment tail = f.map(f.tensor("tail"), arena);
            float[] values = new float[2];
            FloatCodec.decode(tail, DType.F32, 0, 2, values, new short[2]);
            assertArrayEquals(new float[] {1.5f, -2f}, values);
        }
    }
}
