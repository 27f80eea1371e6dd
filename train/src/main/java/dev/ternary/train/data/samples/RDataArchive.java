package dev.ternary.train.data.samples;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;

/**
 * An installed R package's lazy-load database ({@code data/Rdata.rdx} + {@code Rdata.rdb}): the index maps each
 * object's name to an (offset, length) block in the database, and each block is a 4-byte big-endian uncompressed
 * size followed by a zlib stream of the serialized object.
 */
final class RDataArchive {
    private final Path database;
    private final Map<String, int[]> blocks;

    private RDataArchive(Path database, Map<String, int[]> blocks) {
        this.database = database;
        this.blocks = blocks;
    }

    /** Opens {@code dir/NAME.rdx} and {@code dir/NAME.rdb}. */
    static RDataArchive open(Path dir, String name) throws IOException {
        Path index = dir.resolve(name + ".rdx");
        Object root;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(index))) {
            root = RSerialization.read(in);
        }
        if (!(root instanceof RSerialization.Named named)
                || !(named.asMap().get("variables") instanceof RSerialization.Named variables)) {
            throw new IOException(index + ": no 'variables' entry in the lazy-load index");
        }
        Map<String, int[]> blocks = new LinkedHashMap<>();
        variables.asMap().forEach((k, v) -> blocks.put(k, (int[]) v));
        return new RDataArchive(dir.resolve(name + ".rdb"), blocks);
    }

    /** Names of the objects stored, in index order. */
    Iterable<String> names() {
        return blocks.keySet();
    }

    /** Reads and deserializes one object. */
    Object get(String name) throws IOException {
        int[] block = blocks.get(name);
        if (block == null) {
            throw new IOException(database + ": no object '" + name + "'");
        }
        byte[] bytes = new byte[block[1]];
        try (var channel = Files.newByteChannel(database)) {
            channel.position(block[0]);
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
                // keep reading until the block is complete
            }
        }
        // Skip the uncompressed size: the zlib stream knows its own end.
        try (InputStream in = new InflaterInputStream(new ByteArrayInputStream(bytes, 4, bytes.length - 4))) {
            return RSerialization.read(in);
        }
    }
}
