package dev.ternary.convert.safetensors;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Streams one safetensors file: the header goes out first (from a {@link SafetensorsLayout}), then each tensor's
 * bytes are written at their place, in any order and from any thread, so nothing needs the whole model in memory.
 * {@link #close()} checks that every tensor was written completely.
 */
public final class SafetensorsWriter implements AutoCloseable {
    private final Path path;
    private final SafetensorsLayout layout;
    private final FileChannel channel;
    private final Map<String, AtomicLong> written = new HashMap<>();
    private boolean closed;

    private SafetensorsWriter(Path path, SafetensorsLayout layout, FileChannel channel) {
        this.path = path;
        this.layout = layout;
        this.channel = channel;
        for (TensorSpec s : layout.specs()) {
            written.put(s.name(), new AtomicLong());
        }
    }

    /** Creates {@code path} (which must not exist) and writes the header. */
    public static SafetensorsWriter create(Path path, SafetensorsLayout layout) throws IOException {
        FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                StandardOpenOption.READ);
        try {
            byte[] header = layout.headerBytes();
            ByteBuffer prefix = ByteBuffer.allocate(8 + header.length).order(ByteOrder.LITTLE_ENDIAN);
            prefix.putLong(header.length).put(header).flip();
            writeFully(channel, prefix, 0);
            return new SafetensorsWriter(path, layout, channel);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    public Path path() {
        return path;
    }

    public SafetensorsLayout layout() {
        return layout;
    }

    /**
     * Writes {@code src}'s remaining bytes into tensor {@code name} starting {@code offsetInTensor} bytes into it.
     * Thread-safe: positional writes never share a file position.
     */
    public void write(String name, long offsetInTensor, ByteBuffer src) throws IOException {
        TensorSpec spec = layout.spec(name);
        int length = src.remaining();
        if (offsetInTensor < 0 || offsetInTensor + length > spec.byteSize()) {
            throw new IllegalArgumentException("write of " + length + " bytes at " + offsetInTensor
                    + " overruns tensor " + name + " (" + spec.byteSize() + " bytes)");
        }
        writeFully(channel, src, layout.fileOffset(name) + offsetInTensor);
        written.get(name).addAndGet(length);
    }

    /** Writes a memory segment's bytes (e.g. a mapped window of another file) into tensor {@code name}. */
    public void write(String name, long offsetInTensor, MemorySegment src) throws IOException {
        write(name, offsetInTensor, src.asByteBuffer());
    }

    private static void writeFully(FileChannel channel, ByteBuffer src, long position) throws IOException {
        long p = position;
        while (src.hasRemaining()) {
            p += channel.write(src, p);
        }
    }

    /** Flushes and closes; fails if a tensor was not completely written. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try (channel) {
            for (TensorSpec s : layout.specs()) {
                long n = written.get(s.name()).get();
                if (n != s.byteSize()) {
                    throw new IllegalStateException("tensor " + s.name() + " got " + n + " of " + s.byteSize()
                            + " bytes before " + path + " was closed");
                }
            }
            channel.force(false);
        }
    }

    /** Closes without the completeness check, for abandoning a failed write; the caller deletes the file. */
    public void abandon() {
        closed = true;
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
