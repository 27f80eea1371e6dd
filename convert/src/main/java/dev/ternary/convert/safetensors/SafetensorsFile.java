package dev.ternary.convert.safetensors;

import dev.ternary.convert.InvalidInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A validated, read-only safetensors file. Tensor data is memory-mapped on demand with FFM, so offsets are
 * {@code long} and files over 2 GiB work; the caller picks the {@link Arena} and so decides how long a mapping
 * stays resident (a converter maps one tensor at a time, a runtime maps everything for its lifetime).
 */
public final class SafetensorsFile implements AutoCloseable {
    private final Path path;
    private final FileChannel channel;
    private final SafetensorsHeader header;
    private final Map<String, TensorInfo> byName;

    private SafetensorsFile(Path path, FileChannel channel, SafetensorsHeader header) {
        this.path = path;
        this.channel = channel;
        this.header = header;
        this.byName = new LinkedHashMap<>();
        for (TensorInfo t : header.tensors()) {
            byName.put(t.name(), t);
        }
    }

    /**
     * Opens and validates a safetensors file.
     *
     * @throws InvalidInputException if the file is missing, unreadable or not a valid safetensors file
     */
    public static SafetensorsFile open(Path path) {
        if (!Files.exists(path)) {
            throw InvalidInputException.inFile(path, "file not found");
        }
        if (Files.isDirectory(path)) {
            throw InvalidInputException.inFile(path, "is a directory, expected a .safetensors file");
        }
        FileChannel channel;
        try {
            channel = FileChannel.open(path, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw InvalidInputException.inFile(path, "file not found");
        } catch (IOException e) {
            throw InvalidInputException.inFile(path, "cannot open: " + e.getMessage());
        }
        try {
            SafetensorsHeader header = readHeader(path, channel);
            return new SafetensorsFile(path, channel, header);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    private static SafetensorsHeader readHeader(Path path, FileChannel channel) {
        try {
            long size = channel.size();
            if (size < 8) {
                throw InvalidInputException.inFile(path,
                        "not a safetensors file: " + size + " bytes, shorter than the 8-byte header length");
            }
            ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, lengthBytes, 0);
            long headerLength = lengthBytes.flip().getLong();
            SafetensorsHeader.checkHeaderLength(path, headerLength, size);
            ByteBuffer json = ByteBuffer.allocate((int) headerLength);
            readFully(channel, json, 8);
            return SafetensorsHeader.parse(path, json.array(), size - 8 - headerLength);
        } catch (IOException e) {
            throw InvalidInputException.inFile(path, "cannot read: " + e.getMessage());
        }
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, position + buffer.position());
            if (n < 0) {
                throw new IOException("unexpected end of file");
            }
        }
    }

    public Path path() {
        return path;
    }

    public SafetensorsHeader header() {
        return header;
    }

    /** Tensors in data order. */
    public List<TensorInfo> tensors() {
        return header.tensors();
    }

    public Map<String, String> metadata() {
        return header.metadata();
    }

    public boolean contains(String name) {
        return byName.containsKey(name);
    }

    /** The tensor's header entry; throws naming the file if it is absent. */
    public TensorInfo tensor(String name) {
        TensorInfo t = byName.get(name);
        if (t == null) {
            throw InvalidInputException.inFile(path, "no tensor named '" + name + "'");
        }
        return t;
    }

    /** Absolute file offset of the tensor's first byte. */
    public long fileOffset(TensorInfo tensor) {
        return header.dataStart() + tensor.begin();
    }

    /** Maps the tensor's bytes read-only; the mapping lives as long as {@code arena}. */
    public MemorySegment map(TensorInfo tensor, Arena arena) {
        return map(fileOffset(tensor), tensor.byteSize(), arena);
    }

    /** Maps {@code length} bytes at an absolute file offset read-only. */
    public MemorySegment map(long offset, long length, Arena arena) {
        if (length == 0) {
            return MemorySegment.NULL.reinterpret(0);
        }
        try {
            return channel.map(FileChannel.MapMode.READ_ONLY, offset, length, arena);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot map " + path + " at " + offset, e);
        }
    }

    @Override
    public void close() {
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing was written through this channel, so a failed close loses nothing
        }
    }
}
