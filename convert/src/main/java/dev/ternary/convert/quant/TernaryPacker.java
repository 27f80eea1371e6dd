package dev.ternary.convert.quant;

import dev.ternary.convert.safetensors.DType;
import dev.ternary.convert.safetensors.FloatCodec;
import dev.ternary.kernels.format.HfBitNetLayout;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * Streams a full-precision weight matrix {@code W[rows, cols]} into its ternary form in the Hugging Face BitNet
 * layout: one pass for the absmean scale, one pass that ternarizes four rows a quarter apart at a time and emits
 * the packed row they share ({@link HfBitNetLayout}). Memory use is a few rows plus an output buffer, whatever
 * the matrix size.
 */
public final class TernaryPacker {
    private static final int OUTPUT_BUFFER_BYTES = 1 << 20;

    /** Receives packed bytes at an offset within the packed tensor. */
    @FunctionalInterface
    public interface PackedSink {
        void write(long offset, ByteBuffer bytes) throws IOException;
    }

    private TernaryPacker() {}

    /**
     * Packs {@code src} (row-major, {@code dtype} F32/F16/BF16) and returns the scale {@code s = mean|W|}.
     * The sink receives exactly {@code rows/4 * cols} bytes.
     */
    public static float pack(MemorySegment src, DType dtype, int rows, int cols, PackedSink sink) throws IOException {
        int packedRows = HfBitNetLayout.packedRows(rows);
        float[] row = new float[cols];
        short[] scratch = new short[cols];

        double absSum = 0;
        for (int r = 0; r < rows; r++) {
            FloatCodec.decode(src, dtype, (long) r * cols, cols, row, scratch);
            absSum += AbsmeanTernarizer.absSum(row, cols);
        }
        float scale = AbsmeanTernarizer.scale(absSum, (long) rows * cols);
        float inverse = 1.0f / scale;

        byte[][] quarters = new byte[HfBitNetLayout.TRITS_PER_BYTE][cols];
        int rowsPerFlush = Math.max(1, OUTPUT_BUFFER_BYTES / cols);
        byte[] out = new byte[Math.min(rowsPerFlush, packedRows) * cols];
        int buffered = 0;
        long flushedBytes = 0;
        for (int r = 0; r < packedRows; r++) {
            for (int i = 0; i < HfBitNetLayout.TRITS_PER_BYTE; i++) {
                FloatCodec.decode(src, dtype, (long) (i * packedRows + r) * cols, cols, row, scratch);
                AbsmeanTernarizer.ternarize(row, cols, inverse, quarters[i]);
            }
            HfBitNetLayout.packRow(quarters, cols, out, buffered * cols);
            if (++buffered * cols == out.length) {
                sink.write(flushedBytes, ByteBuffer.wrap(out, 0, buffered * cols));
                flushedBytes += (long) buffered * cols;
                buffered = 0;
            }
        }
        if (buffered > 0) {
            sink.write(flushedBytes, ByteBuffer.wrap(out, 0, buffered * cols));
        }
        return scale;
    }
}
