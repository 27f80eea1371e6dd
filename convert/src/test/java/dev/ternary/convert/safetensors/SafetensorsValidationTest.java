package dev.ternary.convert.safetensors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ternary.convert.InvalidInputException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every malformed file gets a one-line error that names the file and the problem. */
class SafetensorsValidationTest {
    @TempDir
    Path dir;

    private Path file(byte[] content) throws IOException {
        Path p = dir.resolve("model.safetensors");
        Files.write(p, content);
        return p;
    }

    /** A file with the given header JSON and {@code dataBytes} zero bytes of data. */
    private Path withHeader(String json, int dataBytes) throws IOException {
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        return file(b.array());
    }

    private String errorOpening(Path p) {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> SafetensorsFile.open(p).close());
        assertTrue(e.getMessage().startsWith(p.toString() + ": "), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), "one line");
        return e.getMessage().substring(p.toString().length() + 2);
    }

    @Test
    void missingFile() {
        assertEquals("file not found", errorOpening(dir.resolve("nope.safetensors")));
    }

    @Test
    void notASafetensorsFile() throws IOException {
        String msg = errorOpening(file("just some text, certainly not tensors\n".getBytes(StandardCharsets.UTF_8)));
        assertTrue(msg.startsWith("not a safetensors file: header length"), msg);
    }

    @Test
    void tooShortForTheLengthPrefix() throws IOException {
        assertEquals("not a safetensors file: 3 bytes, shorter than the 8-byte header length",
                errorOpening(file(new byte[] {1, 2, 3})));
    }

    @Test
    void absurdHeaderLength() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(200L * 1024 * 1024);
        assertEquals("not a safetensors file: header length 209715200 bytes exceeds the 100 MB limit",
                errorOpening(file(b.array())));
    }

    @Test
    void headerLengthPastEndOfFile() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN).putLong(1000).put((byte) '{');
        assertEquals("truncated or not a safetensors file: header length 1000 runs past the end of the file (20 bytes)",
                errorOpening(file(b.array())));
    }

    @Test
    void malformedJson() throws IOException {
        String msg = errorOpening(withHeader("{\"a\": {\"dtype\": \"F32\", ", 0));
        assertTrue(msg.startsWith("malformed JSON in safetensors header: "), msg);
    }

    @Test
    void truncatedData() throws IOException {
        String msg = errorOpening(withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 10));
        assertEquals("tensor 'a' data_offsets [0, 16] run past the end of the data section (10 bytes): "
                + "the file is truncated or the offsets are out of range", msg);
    }

    @Test
    void offsetsOutOfRange() throws IOException {
        String msg = errorOpening(withHeader(
                "{\"a\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[100,104]}}", 8));
        assertTrue(msg.startsWith("tensor 'a' data_offsets [100, 104] run past the end"), msg);
    }

    @Test
    void negativeOrReversedOffsets() throws IOException {
        assertEquals("tensor 'a' has invalid data_offsets [4, 0]", errorOpening(withHeader(
                "{\"a\":{\"dtype\":\"U8\",\"shape\":[0],\"data_offsets\":[4,0]}}", 8)));
    }

    @Test
    void overlappingOffsets() throws IOException {
        assertEquals("tensors 'a' and 'b' have overlapping data_offsets", errorOpening(withHeader(
                "{\"a\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[0,4]},"
                        + "\"b\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[2,6]}}", 8)));
    }

    @Test
    void unknownDtype() throws IOException {
        assertEquals("tensor 'a' has unsupported dtype F64 (supported: F32, F16, BF16, U8, I8); "
                + "convert it to one of those first", errorOpening(withHeader(
                "{\"a\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,8]}}", 8)));
    }

    @Test
    void shapeSizeMismatch() throws IOException {
        assertEquals("tensor 'a' has 8 bytes of data but its shape [3] of F32 needs 12", errorOpening(withHeader(
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8)));
    }

    @Test
    void headerThatIsNotAnObject() throws IOException {
        assertEquals("not a safetensors file: header does not start with '{'", errorOpening(withHeader("[1,2]   ", 0)));
    }

    @Test
    void missingShardListedInIndex() throws IOException {
        Files.writeString(dir.resolve(Checkpoint.INDEX_FILE),
                "{\"weight_map\": {\"a\": \"model-00001-of-00002.safetensors\"}}");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> Checkpoint.openDirectory(dir));
        assertEquals(dir.resolve(Checkpoint.INDEX_FILE) + ": lists shard 'model-00001-of-00002.safetensors' "
                + "which does not exist; the download is incomplete", e.getMessage());
    }
}
